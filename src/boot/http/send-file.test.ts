// sendFile over real sockets and real files: the sendfile(2) path (fetch, curl, keep-alive, aborts) and the stream fallback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { sendFile } from './send-file.ts';
import { loadNativeSendfile, type NativeSendfile } from '../../net/sendfile.ts';

const run = promisify(execFile);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** What each open fd of this process points at ("socket:[inode]", a path, ...); client and server share the process. */
const fdTargets = () => readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } });

describe('sendFile', () => {
  const big = randomBytes(64 * 1024 * 1024);
  let dir: string;
  let app: FastifyInstance;
  let base: string;
  const real = loadNativeSendfile(); // fails with a build hint when the addon is missing
  let started = 0; // counts real sendfile transfers, to prove the kernel path was taken
  const native: NativeSendfile = { sendfileStart: (...a) => (started++, real.sendfileStart(...a)), sendfileCancel: (h) => real.sendfileCancel(h), tcpCork: (fd, on) => real.tcpCork(fd, on) };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-sendfile-'));
    await writeFile(path.join(dir, 'big.img'), big);
    await writeFile(path.join(dir, 'empty'), '');
    await writeFile(path.join(dir, 'small'), 'a boot script-sized file\n');
    app = Fastify();
    for (const [prefix, n] of [['/k', native], ['/s', null]] as const)
      app.route<{ Params: { name: string } }>({
        method: ['GET', 'HEAD'],
        url: `${prefix}/:name`,
        handler: async (req, reply) => {
          const file = path.join(dir, req.params.name);
          const s = await stat(file);
          return sendFile(req, reply, { file, size: s.size, mtime: s.mtime }, undefined, { native: n });
        },
      });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    { name: 'whole', range: undefined, status: 200, want: big },
    { name: 'middle range', range: 'bytes=10000000-40000000', status: 206, want: big.subarray(10_000_000, 40_000_001) },
    { name: 'suffix range', range: 'bytes=-3000000', status: 206, want: big.subarray(big.length - 3_000_000) },
  ];
  for (const prefix of ['/k', '/s'])
    for (const c of cases)
      test(`${prefix === '/k' ? 'sendfile' : 'stream'}: ${c.name} via fetch and curl has the right bytes`, async () => {
        const before = started;
        const res = await fetch(`${base}${prefix}/big.img`, { headers: c.range ? { range: c.range } : {} });
        assert.equal(res.status, c.status);
        assert.equal(res.headers.get('content-length'), String(c.want.length));
        assert.equal(sha(Buffer.from(await res.arrayBuffer())), sha(c.want));
        const args = ['-sS', '--max-time', '20', '-o', '-', ...(c.range ? ['-H', `range: ${c.range}`] : []), `${base}${prefix}/big.img`];
        const { stdout } = await run('curl', args, { encoding: 'buffer', maxBuffer: 128 << 20 }).catch((err: NodeJS.ErrnoException) => {
          throw err.code === 'ENOENT' ? new Error('curl is missing: apt-get install -y --no-install-recommends curl') : err;
        });
        assert.equal(sha(stdout), sha(c.want));
        assert.equal(started - before, prefix === '/k' ? 2 : 0);
      });

  test('HEAD and a 0-byte file send no body and keep the right Content-Length', async () => {
    const head = await fetch(`${base}/k/big.img`, { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), String(big.length));
    assert.equal((await head.arrayBuffer()).byteLength, 0);
    const empty = await fetch(`${base}/k/empty`);
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get('content-length'), '0');
    assert.equal((await empty.arrayBuffer()).byteLength, 0);
  });

  test('two requests on one keep-alive connection both arrive whole', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets: unknown[] = [];
      for (const range of [undefined, 'bytes=5-1000004']) {
        const { body, socket } = await new Promise<{ body: Buffer; socket: unknown }>((resolve, reject) => {
          const req = http.get(`${base}/k/big.img`, { agent, headers: range ? { range } : {} }, (res) => {
            const parts: Buffer[] = [];
            res.on('data', (d: Buffer) => parts.push(d));
            res.on('end', () => resolve({ body: Buffer.concat(parts), socket: req.socket }));
            res.on('error', reject);
          });
          req.on('error', reject);
        });
        sockets.push(socket);
        assert.equal(sha(body), sha(range ? big.subarray(5, 1_000_005) : big));
      }
      assert.equal(sockets[0], sockets[1], 'the second request reused the first connection');
    } finally {
      agent.destroy();
    }
  });

  test('the head leaves with the first body bytes (TCP_CORK), and a small last segment is not held back', async () => {
    // Corked, the head cannot leave alone: the first segment the client receives carries body bytes after it.
    const first = await new Promise<Buffer>((resolve, reject) => {
      const sock = net.connect(Number(new URL(base).port), '127.0.0.1', () => sock.write('GET /k/big.img HTTP/1.1\r\nHost: x\r\n\r\n'));
      sock.once('data', (d: Buffer) => {
        sock.destroy();
        resolve(d);
      });
      sock.on('error', reject);
    });
    const headEnd = first.indexOf('\r\n\r\n');
    assert.ok(headEnd > 0, 'a response head');
    assert.ok(first.length > headEnd + 4, `the first read held the head alone (${first.length} bytes)`);
    assert.deepEqual(first.subarray(headEnd + 4, headEnd + 20), big.subarray(0, 16));
    // Uncorked once the body is handed over: a file smaller than a segment would otherwise wait the kernel's 200 ms
    // for more. Twenty of them in a row on one connection take a few ms (150 each would pass); held back, at least 4 s.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) {
        const body = await new Promise<string>((resolve, reject) => {
          http.get(`${base}/k/small`, { agent }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve(text));
          }).on('error', reject);
        });
        assert.equal(body, 'a boot script-sized file\n');
      }
      const ms = performance.now() - t0;
      assert.ok(ms < 3000, `20 small files took ${Math.round(ms)} ms: the last segment waits for the cork's timeout`);
    } finally {
      agent.destroy();
    }
  });

  test('a client that hangs up mid-transfer leaves the server healthy and no fd behind', async () => {
    const baseline = new Set(fdTargets());
    const fresh = () => fdTargets().filter((t) => !baseline.has(t) && (t.startsWith('socket:') || t.endsWith('big.img'))); // idle keep-alives may close meanwhile: count only what is new
    for (let i = 0; i < 3; i++)
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${base}/k/big.img`, { agent: false }, (res) => {
          let got = 0;
          res.on('data', (d: Buffer) => {
            got += d.length;
            if (got > 4 << 20) {
              res.pause();
              req.destroy();
              resolve();
            }
          });
        });
        req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
      });
    for (let t = 0; t < 100 && fresh().length > 0; t++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(fresh(), [], 'sockets (Node\'s and the addon\'s dup) and file fds are all closed');
    assert.ok(!fdTargets().some((t) => t.endsWith('big.img')), 'no file fd left open');
    const res = await fetch(`${base}/k/big.img`, { headers: { range: 'bytes=0-99' } });
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), big.subarray(0, 100));
  });
});
