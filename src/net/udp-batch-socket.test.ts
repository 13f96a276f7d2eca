// The native batch socket on loopback, against node:dgram peers: every datagram of a burst delivered with its source,
// a turn's sends leaving together and in order, failures reported per datagram, oversized datagrams counted.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { loadAddon } from './native-addon.ts';
import { UDP_BATCH_ADDON_PATH, UdpBatchSocket, type NativeUdpBatch } from './udp-batch-socket.ts';

const native = loadAddon<NativeUdpBatch>(UDP_BATCH_ADDON_PATH, 'UDP batch');

interface Got { msg: Buffer; address: string; port: number }

function open() {
  const got: Got[] = [];
  const socket = UdpBatchSocket.open(native, {
    address: '127.0.0.1', port: 0, receiveBufferBytes: 1 << 20,
    onMessage: (msg, address, port) => got.push({ msg: Buffer.from(msg), address, port }),
  });
  return { socket, got };
}

async function peer(address = '127.0.0.1'): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, address);
  await once(s, 'listening');
  s.setRecvBufferSize(1 << 20);
  return s;
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sendAll = (socket: UdpBatchSocket, items: Array<[Uint8Array, number, string]>) =>
  Promise.all(items.map(([b, port, addr]) => new Promise<Error | undefined>((r) => socket.send(b, port, addr, r))));

describe('UdpBatchSocket (native recvmmsg/sendmmsg) on loopback', () => {
  const closers: Array<() => unknown> = [];
  after(async () => {
    for (const c of closers) await c();
  });

  it('delivers every datagram of a burst, each with its bytes, source address and port, and reports the port and buffer', async () => {
    const { socket, got } = open();
    closers.push(() => socket.close());
    assert.ok(socket.port > 0);
    assert.ok(socket.receiveBufferBytes > 0);
    const a = await peer('127.0.0.2');
    const b = await peer('127.0.0.3');
    closers.push(() => a.close(), () => b.close());
    for (let i = 0; i < 300; i++) (i % 2 ? b : a).send(Buffer.from(`datagram ${i} `.padEnd(10 + (i % 300), 'x')), socket.port, '127.0.0.1');
    await until(() => got.length === 300, `300 datagrams (got ${got.length})`);
    for (let i = 0; i < 300; i++) {
      const g = got.find((x) => x.msg.toString().startsWith(`datagram ${i} `));
      assert.ok(g, `datagram ${i} missing`);
      assert.equal(g.msg.length, Math.max(`datagram ${i} `.length, 10 + (i % 300)));
      const from = i % 2 ? b : a;
      assert.deepEqual([g.address, g.port], [from.address().address, from.address().port]);
    }
  });

  it('sends the datagrams of one turn in order, each to its own destination, and calls back each once sent', async () => {
    const { socket } = open();
    closers.push(() => socket.close());
    const a = await peer('127.0.0.4');
    const b = await peer('127.0.0.5');
    closers.push(() => a.close(), () => b.close());
    const atA: string[] = [];
    const atB: string[] = [];
    a.on('message', (m) => atA.push(m.toString()));
    b.on('message', (m) => atB.push(m.toString()));
    const items: Array<[Uint8Array, number, string]> = [];
    for (let i = 0; i < 150; i++) items.push([Buffer.from(`reply ${i}`), (i % 3 ? a : b).address().port, i % 3 ? '127.0.0.4' : '127.0.0.5']);
    const errors = await sendAll(socket, items);
    assert.deepEqual(errors.filter(Boolean), []);
    await until(() => atA.length + atB.length === 150, 'all 150 replies');
    assert.deepEqual(atA, items.filter((_, i) => i % 3).map(([m]) => Buffer.from(m).toString()));
    assert.deepEqual(atB, items.filter((_, i) => !(i % 3)).map(([m]) => Buffer.from(m).toString()));
  });

  it('a datagram that cannot leave fails alone, with the reason; the others of its batch are sent', async () => {
    // Destination port 0: the kernel refuses it (EINVAL) before anything leaves.
    const { socket } = open();
    closers.push(() => socket.close());
    const a = await peer('127.0.0.6');
    closers.push(() => a.close());
    const at: string[] = [];
    a.on('message', (m) => at.push(m.toString()));
    const errors = await sendAll(socket, [
      [Buffer.from('one'), a.address().port, '127.0.0.6'],
      [Buffer.from('lost'), 0, '127.0.0.6'],
      [Buffer.from('bad'), 67, 'not-an-address'],
      [Buffer.from('two'), a.address().port, '127.0.0.6'],
    ]);
    assert.equal(errors[0], undefined);
    assert.match(String(errors[1]), /send to 127\.0\.0\.6:0: Invalid argument/);
    assert.match(String(errors[2]), /not an IPv4 address: not-an-address/);
    assert.equal(errors[3], undefined);
    await until(() => at.length === 2, 'the two good datagrams');
    assert.deepEqual(at, ['one', 'two']);
  });

  it('drops and counts a datagram longer than its 4 KiB slots, and goes on', async () => {
    const { socket, got } = open();
    closers.push(() => socket.close());
    const a = await peer();
    closers.push(() => a.close());
    a.send(Buffer.alloc(5000, 1), socket.port, '127.0.0.1');
    a.send(Buffer.from('after'), socket.port, '127.0.0.1');
    await until(() => got.length === 1, 'the short datagram');
    assert.equal(got[0]!.msg.toString(), 'after');
    assert.equal(socket.truncated, 1);
  });

  it('after close: sends fail with a clear error, nothing is read, and the port can be bound again', async () => {
    const { socket, got } = open();
    const port = socket.port;
    await socket.close();
    await socket.close(); // twice is harmless
    const [err] = await sendAll(socket, [[Buffer.from('x'), 9, '127.0.0.1']]);
    assert.match(String(err), /socket closed/);
    const s2 = dgram.createSocket('udp4');
    s2.bind(port, '127.0.0.1');
    await once(s2, 'listening');
    s2.close();
    assert.equal(got.length, 0);
  });

  it('reads at most perTurn datagrams per call into JavaScript, several per call when they wait', async () => {
    const counts: number[] = [];
    const { handle, port } = native.udpBatchOpen('127.0.0.1', 0, null, 1 << 20, 8, (_d, _m, count) => counts.push(count));
    const a = await peer();
    closers.push(() => a.close(), () => native.udpBatchClose(handle));
    // Sent in one go: they wait in the socket together before the loop polls it.
    for (let i = 0; i < 40; i++) a.send(Buffer.from(`d${i}`), port, '127.0.0.1');
    await until(() => counts.reduce((x, y) => x + y, 0) === 40, '40 datagrams');
    assert.ok(Math.max(...counts) <= 8, `per call: ${counts}`);
    assert.ok(counts.length < 40, `one call per datagram: ${counts}`);
  });

  it('refuses bad arguments with the usage', () => {
    assert.throws(() => native.udpBatchOpen('::1', 0, null, 0, 64, () => undefined), /udpBatchOpen\(bindAddr: IPv4 literal/);
    assert.throws(() => native.udpBatchOpen('127.0.0.1', 70000, null, 0, 64, () => undefined), /udpBatchOpen/);
    assert.throws(() => native.udpBatchOpen('127.0.0.1', 0, null, 0, 257, () => undefined), /perTurn: 1–256/);
    assert.throws(() => native.udpBatchOpen('127.0.0.1', 0, null, 0, 0, () => undefined), /perTurn: 1–256/);
    assert.throws(() => native.udpBatchSend({}, Buffer.alloc(1), new Uint32Array(4), 1), /udpBatchSend\(handle/);
  });

  it('refuses a datagram outside the data it was given (no read past the buffer)', () => {
    const { handle } = native.udpBatchOpen('127.0.0.1', 0, null, 0, 64, () => undefined);
    try {
      assert.throws(() => native.udpBatchSend(handle, Buffer.alloc(10), Uint32Array.of(5, 10, 0x7f000001, 9), 1), /outside data/);
      assert.throws(() => native.udpBatchSend(handle, Buffer.alloc(10), Uint32Array.of(0, 1, 0x7f000001, 9), 2), /udpBatchSend\(handle/);
    } finally {
      native.udpBatchClose(handle);
    }
  });
});
