// Interop: the real Debian TFTP clients (tftp-hpa, atftp, curl) download from stage0's listener over
// loopback; the SHA-256 of what they wrote must equal the served file's. Also path traversal attempts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { directoryFileSource } from '../boot/tftp/directory-file-source.ts';
import { startTftpServer, type TftpServer, type TftpTransferEvent } from './tftp-listener.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Run {
  code: number | null;
  out: string;
}
function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** Each real client, as a function building its command line to fetch `remote` into `local`. */
const clients: {
  name: string;
  pkg: string;
  bin: string;
  args: (port: number, remote: string, local: string) => string[];
  /** How this client shows it received ERROR 2 (each reports it differently). */
  denied?: (r: Run) => boolean;
}[] = [
  {
    name: 'tftp-hpa (lock-step, 512)',
    pkg: 'tftp-hpa',
    bin: 'tftp',
    args: (p, r, l) => ['-m', 'binary', '127.0.0.1', String(p), '-c', 'get', r, l],
    // tftp-hpa 5.2 exits 0 even after an ERROR; its message is the only signal.
    denied: (r) => /^Error code 2: access denied/m.test(r.out),
  },
  {
    name: 'atftp blksize 1468 windowsize 1',
    pkg: 'atftp',
    bin: 'atftp',
    args: (p, r, l) => ['--option', 'blksize 1468', '--option', 'tsize 0', '-g', '-r', r, '-l', l, '127.0.0.1', String(p)],
    denied: (r) => r.code !== 0 && /error received from server <access denied/.test(r.out),
  },
  {
    name: 'atftp blksize 1468 windowsize 16',
    pkg: 'atftp',
    bin: 'atftp',
    args: (p, r, l) => ['--option', 'blksize 1468', '--option', 'windowsize 16', '-g', '-r', r, '-l', l, '127.0.0.1', String(p)],
  },
  {
    name: 'curl --tftp-blksize 1468',
    pkg: 'curl',
    bin: 'curl',
    args: (p, r, l) => ['-sS', '--path-as-is', '--tftp-blksize', '1468', '-o', l, `tftp://127.0.0.1:${p}/${r}`],
    denied: (r) => r.code === 69, // CURLE_TFTP_PERM; curl 7.88's message text is garbled (getpeername)
  },
  { name: 'curl default blksize', pkg: 'curl', bin: 'curl', args: (p, r, l) => ['-sS', '--path-as-is', '-o', l, `tftp://127.0.0.1:${p}/${r}`] },
];

// Every case runs twice: in-memory files through the native pump (native/stage0-tftp-pump.c), and through
// ReadTransfer in JavaScript (what serves files that are not in memory, and the fallback when the addon is not built).
for (const nativePump of [true, false]) {
describe(`TFTP interop (${nativePump ? 'native pump' : 'JavaScript transfers'})`, () => {
  let dir: string;
  let root: string;
  let server: TftpServer;
  const events: TftpTransferEvent[] = [];
  // 512 * 367 = 187904 is a multiple of both 512 and 1468 (= 4 * 367): ends with an empty block for every client here.
  const files: Record<string, Buffer> = {
    'random.bin': randomBytes(3 * 1024 * 1024 + randomInt(2 * 1024 * 1024)),
    'exact-multiple.bin': randomBytes(187904 * 5),
    'empty.bin': Buffer.alloc(0),
  };

  before(async () => {
    const missing: string[] = [];
    for (const c of clients) if ((await run('sh', ['-c', `command -v ${c.bin}`])).code !== 0) missing.push(c.pkg);
    if (missing.length > 0) {
      throw new Error(`interop test needs the Debian TFTP clients; missing: ${[...new Set(missing)].join(', ')}. Install with: sudo bash scripts/install-test-deps.sh (or apt-get install -y --no-install-recommends tftp-hpa atftp curl)`);
    }
    dir = await mkdtemp(join(tmpdir(), 's0t-tftp-interop-'));
    root = join(dir, 'root');
    await mkdir(join(dir, 'out'), { recursive: true });
    await mkdir(root);
    await writeFile(join(dir, 'outside-secret'), 'must never be served\n');
    for (const [name, content] of Object.entries(files)) await writeFile(join(root, name), content);
    await symlink(join(dir, 'outside-secret'), join(root, 'escape'));
    server = await startTftpServer({ address: '127.0.0.1', port: 0, source: directoryFileSource(root), onTransfer: (e) => events.push(e), nativePump });
  });
  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('TFTP interop with real clients', () => {
    let n = 0;
    for (const c of clients) {
      for (const [name, content] of Object.entries(files)) {
        it(`${c.name} downloads ${name} (${content.length} bytes) intact`, async () => {
          const local = join(dir, 'out', `${n++}-${name}`);
          const r = await run(c.bin, c.args(server.port, name, local));
          assert.equal(r.code, 0, `${c.bin} failed: ${r.out}`);
          const got = await readFile(local);
          assert.equal(got.length, content.length);
          assert.equal(sha(got), sha(content));
          await waitFor(() => events.some((e) => e.path === name && e.outcome === 'complete' && e.bytes === content.length && e.client.port > 0));
        });
      }
    }

    it('atftp blksize 8 windowsize 16: 75,001 blocks, so block numbers roll over past 65535', async () => {
      const content = randomBytes(600_000);
      await writeFile(join(root, 'rollover.bin'), content);
      const local = join(dir, 'out', 'rollover.bin');
      const r = await run('atftp', ['--option', 'blksize 8', '--option', 'windowsize 16', '-g', '-r', 'rollover.bin', '-l', local, '127.0.0.1', String(server.port)]);
      assert.equal(r.code, 0, `atftp failed: ${r.out}`);
      assert.equal(sha(await readFile(local)), sha(content));
    });

    const attacks = ['../../etc/passwd', '/etc/passwd', 'escape'];
    for (const c of clients.filter((x) => x.denied !== undefined)) {
      it(`${c.name}: traversal attempts are refused with ERROR 2 and counted`, async () => {
        for (const path of attacks) {
          const refused = server.stats().refused;
          const local = join(dir, 'out', `attack-${n++}`);
          // curl drops the first "/" of the URL path, so "//etc/passwd" sends "/etc/passwd".
          const r = await run(c.bin, c.args(server.port, c.bin === 'curl' && path.startsWith('/') ? `/${path}` : path, local));
          assert.ok(c.denied?.(r), `${c.bin} ${path} must report access denied; exit ${r.code}: ${r.out}`);
          await waitFor(() => server.stats().refused === refused + 1);
          const leaked = await stat(local).then((s) => s.size, () => 0);
          assert.equal(leaked, 0, 'nothing from outside the root was written');
        }
      });
    }
  });
});
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
