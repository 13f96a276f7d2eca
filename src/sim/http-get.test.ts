// The simulator's download path against a real node:http server on loopback: bodies counted exactly (many at once
// through the shared read buffer), and every way a download can go wrong named.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readdirSync, readlinkSync } from 'node:fs';
import { httpDownload } from './http-get.ts';
import { canDrain, drainsStarted } from './tcp-drain.ts';

const BIG = Buffer.alloc(8 * 1024 * 1024, 7);

describe('httpDownload', () => {
  let server: http.Server;
  let base = '';
  before(async () => {
    server = http.createServer((req, res) => {
      switch (req.url) {
        case '/big': return void res.writeHead(200, { 'content-length': BIG.length }).end(BIG);
        case '/missing': return void res.writeHead(404, { 'content-length': 9 }).end('not found');
        case '/short': res.writeHead(200, { 'content-length': 1000 }); res.write(Buffer.alloc(500)); return void setTimeout(() => res.socket?.destroy(), 20);
        case '/chunked': res.writeHead(200); res.write('a'); return void res.end('b');
        case '/close-delimited': {
          // HTTP/1.0 style: no length, the body ends when the server closes.
          const s = res.socket!;
          res.detachSocket(s);
          return void s.end('HTTP/1.0 200 OK\r\n\r\n' + 'x'.repeat(12345));
        }
        case '/short-big': res.writeHead(200, { 'content-length': 1 << 20 }); res.write(Buffer.alloc(600 * 1024)); return void setTimeout(() => res.socket?.destroy(), 50);
        case '/stall-big': res.writeHead(200, { 'content-length': 1 << 20 }); return void res.write(Buffer.alloc(512 * 1024)); // then nothing
        case '/silent': return; // never answers
        default: return void res.writeHead(500).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('counts an 8 MiB body exactly, also 40 at once through the one shared read buffer', async () => {
    assert.deepEqual(await httpDownload(`${base}/big`), { status: 200, bytes: BIG.length });
    const all = await Promise.all(Array.from({ length: 40 }, () => httpDownload(`${base}/big`)));
    assert.ok(all.every((r) => r.status === 200 && r.bytes === BIG.length));
  });

  it('discards big bodies in the kernel (native drain) with the same count as through Node, and names a cut or a stall', async () => {
    assert.ok(canDrain(), 'the native addon is built (npm run postinstall)');
    const sockets = () => readdirSync('/proc/self/fd').filter((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:'); } catch { return false; } }).length;
    const before = sockets();
    const drains = drainsStarted();
    assert.deepEqual(await httpDownload(`${base}/big`, { drain: false }), { status: 200, bytes: BIG.length }, 'through Node');
    assert.equal(drainsStarted(), drains, 'drain: false reads through Node');
    const all = await Promise.all(Array.from({ length: 20 }, () => httpDownload(`${base}/big`)));
    assert.ok(all.every((r) => r.status === 200 && r.bytes === BIG.length), JSON.stringify(all.slice(0, 3)));
    assert.ok(drainsStarted() >= drains + 20, 'the kernel path was taken');
    await assert.rejects(httpDownload(`${base}/short-big`), /closed after 614400 of 1048576 bytes/);
    await assert.rejects(httpDownload(`${base}/stall-big`, { timeoutMs: 300 }), /no progress for 300 ms/);
    // Node's sockets and the addon's duplicates of them are all closed.
    for (let i = 0; i < 100 && sockets() > before; i++) await new Promise((r) => setTimeout(r, 30));
    assert.ok(sockets() <= before, `${sockets() - before} sockets left open`);
  });

  it('reports the status of an error answer, and reads a close-delimited body to its end', async () => {
    assert.deepEqual(await httpDownload(`${base}/missing`), { status: 404, bytes: 9 });
    assert.deepEqual(await httpDownload(`${base}/close-delimited`), { status: 200, bytes: 12345 });
  });

  it('names a body cut short, a chunked body, a server that never answers, and https', async () => {
    await assert.rejects(httpDownload(`${base}/short`), /closed after 500 of 1000 bytes/);
    await assert.rejects(httpDownload(`${base}/chunked`), /chunked body/);
    await assert.rejects(httpDownload(`${base}/silent`, { timeoutMs: 200 }), /no progress for 200 ms/);
    await assert.rejects(httpDownload('https://127.0.0.1:1/x'), /https: is not supported/);
  });
});
