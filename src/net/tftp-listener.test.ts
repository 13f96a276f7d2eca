// The TFTP listener over real loopback sockets with a small in-process client: concurrency, TIDs,
// refusals, the OVMF size probe, malformed packets and the counters.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeAck } from '../codec/tftp/ack-packet.ts';
import { directoryFileSource } from '../boot/tftp/directory-file-source.ts';
import { chainFileSources, generatedFileSource } from '../boot/tftp/tftp-file-source.ts';
import { startTftpServer, type TftpServer, type TftpTransferEvent } from './tftp-listener.ts';
import { tftpTestGet } from './tftp-test-client.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
// Every case runs twice: in-memory files through the native pump (native/stage0-tftp-pump.c), and through
// ReadTransfer in JavaScript (what serves files that are not in memory, and the fallback when the addon is not built).
for (const nativePump of [true, false]) {
describe(`TFTP listener (${nativePump ? 'native pump' : 'JavaScript transfers'})`, () => {
  let dir: string;
  let server: TftpServer;
  const events: TftpTransferEvent[] = [];
  const nbp = randomBytes(200_000);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 's0t-tftp-listener-'));
    await writeFile(join(dir, 'undionly.kpxe'), nbp);
    await writeFile(join(dir, 'empty'), '');
    const source = chainFileSources(
      generatedFileSource((path, c) => (path === 'whoami' ? `${c.address} ${c.mac ?? '-'}\n` : undefined)),
      directoryFileSource(dir),
    );
    server = await startTftpServer({
      address: '127.0.0.1',
      port: 0,
      source,
      clientMac: () => '52:54:00:00:00:01',
      onTransfer: (e) => events.push(e),
      nativePump,
    });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('TFTP listener', () => {
    it('serves 50 concurrent transfers, each from its own ephemeral port', async () => {
      assert.equal(server.nativePump, nativePump, 'the path under test is the one serving');
      const before = server.stats().complete;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          tftpTestGet(server.port, 'undionly.kpxe', { options: i % 2 ? [['blksize', '1468'], ['windowsize', '8']] : [] }),
        ),
      );
      for (const r of results) assert.equal(sha(r.data), sha(nbp));
      const ports = new Set(results.map((r) => r.serverPort));
      assert.equal(ports.size, 50, 'one TID per transfer');
      assert.ok(!ports.has(server.port), 'never the listening port');
      await waitFor(() => server.stats().complete - before === 50); // the last ACK may still be in flight
      assert.equal(server.stats().active, 0);
    });

    it('negotiates only the options asked: tsize probe then ERROR 8 is counted as aborted', async () => {
      const aborted = server.stats().aborted;
      const r = await tftpTestGet(server.port, 'undionly.kpxe', { options: [['tsize', '0'], ['blksize', '65464']], abortAfterOack: true });
      assert.deepEqual([...(r.oack ?? [])], [['blksize', '1468'], ['tsize', '200000']]);
      await waitFor(() => server.stats().aborted === aborted + 1);
      assert.equal(events.at(-1)?.outcome, 'aborted');
      assert.equal(events.at(-1)?.bytes, 0);
    });

    it('passes the client address and MAC to generated files; serves 0-byte files', async () => {
      assert.equal((await tftpTestGet(server.port, 'whoami')).data.toString(), '127.0.0.1 52:54:00:00:00:01\n');
      const r = await tftpTestGet(server.port, 'empty');
      assert.equal(r.data.length, 0);
      assert.equal(r.error, undefined);
    });

    const refusals: [string, { write?: boolean }, number, 'refused' | 'notFound'][] = [
      ['WRQ', { write: true }, 2, 'refused'],
      ['../../etc/passwd', {}, 2, 'refused'],
      ['/etc/passwd', {}, 2, 'refused'],
      ['missing.efi', {}, 1, 'notFound'],
    ];
    for (const [path, opts, code, counter] of refusals) {
      it(`answers ${path} with ERROR ${code} and counts it as ${counter}`, async () => {
        const beforeCount = server.stats()[counter];
        const r = await tftpTestGet(server.port, path === 'WRQ' ? 'undionly.kpxe' : path, opts);
        assert.equal(r.error?.code, code);
        assert.equal(r.data.length, 0);
        await waitFor(() => server.stats()[counter] === beforeCount + 1);
      });
    }

    it('drops malformed requests with a count, and answers strangers on a transfer port with ERROR 5', async () => {
      const malformed = server.stats().malformed;
      const sock = createSocket('udp4');
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
      const replies: Buffer[] = [];
      sock.on('message', (m) => replies.push(m));
      sock.send(Buffer.from([0, 1, 0x61]), server.port, '127.0.0.1'); // RRQ without terminator
      sock.send(encodeAck(1), server.port, '127.0.0.1'); // not a request
      await waitFor(() => server.stats().malformed === malformed + 2);
      // Hold a transfer open (lock-step, never ACK) and poke its port from another socket.
      const victim = createSocket('udp4');
      let transferPort = 0;
      victim.on('message', (_m, from) => (transferPort = from.port));
      await new Promise<void>((r) => victim.bind(0, '127.0.0.1', () => r()));
      victim.send(Buffer.from('\x00\x01undionly.kpxe\x00octet\x00', 'latin1'), server.port, '127.0.0.1');
      await waitFor(() => transferPort !== 0);
      sock.send(encodeAck(1), transferPort, '127.0.0.1');
      await waitFor(() => replies.length === 1);
      assert.equal(replies[0]?.toString('hex').slice(0, 8), '00050005');
      assert.equal(server.stats().unknownTid, 1);
      assert.equal(server.stats().active, 1, 'the real transfer is undisturbed');
      victim.send(Buffer.from([0, 5, 0, 0, 0]), transferPort, '127.0.0.1'); // client gives up
      await waitFor(() => server.stats().active === 0);
      sock.close();
      victim.close();
    });

    it('a packet from the client that is not an ACK: garbage is dropped and counted, a DATA ends the transfer with ERROR 4', async () => {
      const { malformed, failed } = server.stats();
      const sock = createSocket('udp4');
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
      const got: Buffer[] = [];
      let transferPort = 0;
      sock.on('message', (m, from) => {
        got.push(m);
        transferPort = from.port;
      });
      sock.send(Buffer.from('\x00\x01undionly.kpxe\x00octet\x00', 'latin1'), server.port, '127.0.0.1');
      await waitFor(() => transferPort !== 0);
      sock.send(Buffer.from([0, 4, 0]), transferPort, '127.0.0.1'); // a 3-byte ACK
      sock.send(Buffer.from([0, 9, 0, 1]), transferPort, '127.0.0.1'); // no such opcode
      await waitFor(() => server.stats().malformed === malformed + 2);
      assert.equal(server.stats().active, 1, 'the transfer goes on');
      sock.send(encodeAck(1), transferPort, '127.0.0.1');
      await waitFor(() => got.some((m) => m.readUInt16BE(0) === 3 && m.readUInt16BE(2) === 2), 3000);
      sock.send(Buffer.from([0, 3, 0, 1, 0x61]), transferPort, '127.0.0.1'); // DATA to a read transfer
      await waitFor(() => got.some((m) => m.readUInt16BE(0) === 5));
      const err = got.find((m) => m.readUInt16BE(0) === 5)!;
      assert.equal(err.readUInt16BE(2), 4, 'ERROR 4 (illegal operation)');
      assert.match(err.toString('latin1', 4), /unexpected opcode 3 during a read/);
      await waitFor(() => server.stats().failed === failed + 1 && server.stats().active === 0);
      assert.match(events.at(-1)?.reason ?? '', /unexpected opcode 3/);
      sock.close();
    });

    it('serves over IPv6 (::1), with and without options', async () => {
      const v6 = await startTftpServer({ address: '::1', port: 0, source: directoryFileSource(dir), nativePump });
      try {
        const plain = await tftpTestGet(v6.port, 'undionly.kpxe', { host: '::1' });
        const windowed = await tftpTestGet(v6.port, 'undionly.kpxe', { host: '::1', options: [['blksize', '1428'], ['windowsize', '4']] });
        assert.equal(sha(plain.data), sha(nbp));
        assert.equal(sha(windowed.data), sha(nbp));
        await waitFor(() => v6.stats().complete === 2);
      } finally {
        await v6.close();
      }
    });

    it('ignores a repeated RRQ from the same client port while its transfer runs', async () => {
      const sock = createSocket('udp4');
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
      const rrq = Buffer.from('\x00\x01undionly.kpxe\x00octet\x00', 'latin1');
      const sources = new Set<number>();
      sock.on('message', (_m, from) => sources.add(from.port));
      const dup = server.stats().duplicateRequests;
      sock.send(rrq, server.port, '127.0.0.1');
      sock.send(rrq, server.port, '127.0.0.1');
      await waitFor(() => server.stats().duplicateRequests === dup + 1 && sources.size === 1);
      const [port] = sources;
      sock.send(Buffer.from([0, 5, 0, 0, 0]), port!, '127.0.0.1');
      await waitFor(() => server.stats().active === 0);
      sock.close();
    });
  });

  describe('TFTP listener shutdown', () => {
    it('close() ends running transfers and releases the port', async () => {
      const ended: TftpTransferEvent[] = [];
      const s = await startTftpServer({ address: '127.0.0.1', port: 0, source: directoryFileSource(dir), nativePump, onTransfer: (e) => ended.push(e) });
      const sock = createSocket('udp4');
      let closed = false;
      // A failed assertion must fail the test, not leave sockets that keep the test process alive (a CI run hung so).
      try {
        await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
        const got: Buffer[] = [];
        sock.on('message', (m) => got.push(m));
        sock.send(Buffer.from('\x00\x01undionly.kpxe\x00octet\x00', 'latin1'), s.port, '127.0.0.1');
        await waitFor(() => s.stats().active === 1);
        closed = true;
        await s.close();
        assert.equal(s.stats().failed, 1);
        // Where it stood, for the operator's log: block 1 sent, never ACKed, its retransmission timer armed (on a
        // loaded machine a retransmission may already have gone out before close()).
        assert.match(ended[0]?.reason ?? '', /^server shutting down \(at block 1 of 391, \d+ retransmissions? since the last ACK \d+ ms ago, next retransmission in \d+ ms\)$/);
        await waitFor(() => got.some((m) => m[1] === 5));
        assert.equal(got.find((m) => m[1] === 5)!.toString('latin1', 4).replace(/\0$/, ''), 'server shutting down');
        const again = await startTftpServer({ address: '127.0.0.1', port: s.port, source: directoryFileSource(dir), nativePump });
        await again.close();
      } finally {
        if (!closed) await s.close();
        sock.close();
      }
    });
  });
});
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
