// The HTTP and TFTP path jails of a real running stage0, attacked with the same list: "..", percent-encoded dots and
// slashes, absolute names, backslashes, NUL, symlinks out of the root (absolute, relative, prefix trick). None may
// return a byte of a file outside the served directories.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tftpTestGet } from '../../src/net/tftp-test-client.ts';
import { startTestServer, type TestServer } from '../support/stage0-server.ts';
import { freeUdpPort } from '../support/free-udp-port.ts';

const SECRET = 'SECRET-OUTSIDE-THE-JAIL';
const OK = 'inside the jail';

/** Raw request: the path goes on the wire exactly as written (fetch/URL would resolve the dots first). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Names as a client would send them; each must be refused or not found, never outside content. */
const ATTACKS = [
  '../secret',
  '../../secret',
  'sub/../../secret',
  'sub/up/secret', // symlink sub/up -> ../../ (relative, climbs out)
  'escape', // symlink -> <dir>/secret (absolute)
  'prefix', // symlink -> ../root-evil/f (a sibling whose name starts with the root's)
  '/etc/passwd',
  `${'../'.repeat(12)}etc/passwd`,
  '..\\secret',
  'sub\\..\\..\\secret',
  'C:\\secret',
  'ok.txt\0../secret',
  'dirlink/f', // symlink to a directory outside
];

/** Extra encodings only HTTP has: percent-encoded dots, slashes, backslashes and NUL, double encoding, overlong UTF-8. */
const HTTP_ONLY = [
  '%2e%2e/secret',
  '%2e%2e%2fsecret',
  '%2E%2E%2F%2E%2E%2Fsecret',
  '..%2fsecret',
  '.%2e/secret',
  '%2e%2e%5csecret',
  'ok.txt%00../secret',
  '%252e%252e/secret',
  '%c0%ae%c0%ae/secret',
  '..;/secret',
  '%2fetc%2fpasswd',
];

describe('path jails of a running stage0 (HTTP boot assets and TFTP)', () => {
  let s: TestServer;
  let dir: string;
  let tftpPort: number;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-jail-'));
    const root = path.join(dir, 'root');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await mkdir(path.join(dir, 'root-evil'));
    await mkdir(path.join(dir, 'outdir'));
    await writeFile(path.join(dir, 'secret'), SECRET);
    await writeFile(path.join(dir, 'root-evil', 'f'), SECRET);
    await writeFile(path.join(dir, 'outdir', 'f'), SECRET);
    await writeFile(path.join(root, 'ok.txt'), OK);
    await symlink('../../', path.join(root, 'sub', 'up'));
    await symlink(path.join(dir, 'secret'), path.join(root, 'escape'));
    await symlink('../root-evil/f', path.join(root, 'prefix'));
    await symlink(path.join(dir, 'outdir'), path.join(root, 'dirlink'));
    await symlink('ok.txt', path.join(root, 'alias')); // stays inside: served
    tftpPort = await freeUdpPort();
    s = await startTestServer('sqlite', { boot: { assetsDir: root, ipxeDir: root }, tftp: { enabled: true, listen: '127.0.0.1', port: tftpPort } });
  });
  after(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('controls: files and inside symlinks are served over both', async () => {
    for (const name of ['ok.txt', 'alias']) {
      const r = await rawGet(s.url, `/boot/assets/${name}`);
      assert.equal(r.status, 200, name);
      assert.equal(r.body, OK);
      assert.equal((await tftpTestGet(tftpPort, name)).data.toString(), OK);
    }
  });

  for (const prefix of ['/boot/assets/', '/boot/ipxe/', '/boot/m/52:54:00:00:00:01/assets/']) {
    for (const name of [...ATTACKS.filter((a) => !a.includes('\0')), ...HTTP_ONLY]) {
      it(`HTTP ${prefix}${name} is refused`, async () => {
        const r = await rawGet(s.url, prefix + name.replace(/\\/g, '%5c'));
        assert.ok([400, 403, 404].includes(r.status), `status ${r.status}`);
        assert.ok(!r.body.includes(SECRET), 'outside content leaked');
        assert.ok(!r.body.includes('root:'), '/etc/passwd leaked');
      });
    }
  }

  // A NUL cannot be inside a TFTP file name (it ends the field, RFC 1350 §5): that case is the raw packet below.
  for (const name of ATTACKS.filter((a) => !a.includes('\0'))) {
    it(`TFTP ${JSON.stringify(name)} is refused`, async () => {
      const r = await tftpTestGet(tftpPort, name, { timeoutMs: 3000 });
      assert.ok(r.error, `served ${r.data.length} bytes`);
      assert.ok([1, 2].includes(r.error.code), `TFTP error ${r.error.code} ${r.error.message}`);
      assert.ok(!r.data.toString().includes(SECRET));
    });
  }

  it('TFTP: a request whose name field is cut by a NUL serves nothing from outside', async () => {
    const sock = createSocket('udp4');
    const replies: Buffer[] = [];
    sock.on('message', (m) => replies.push(m));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    // opcode 1 (RRQ), "secret\0../../secret\0octet\0": name "secret" (not in the root), mode "../../secret" (invalid)
    sock.send(Buffer.concat([Buffer.from([0, 1]), Buffer.from('secret\0../../secret\0octet\0', 'latin1')]), tftpPort, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    sock.close();
    for (const m of replies) {
      assert.notEqual(m.readUInt16BE(0), 3, 'no DATA packet');
      assert.ok(!m.toString('latin1').includes(SECRET));
    }
  });
});
