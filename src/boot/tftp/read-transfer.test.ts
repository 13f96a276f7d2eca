// The read-transfer state machine driven with a fake clock: lock-step, windows, loss, reordering,
// duplicate ACKs, OVMF's tsize probe, block-number roll-over and give-up on timeout.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { encodeAck } from '../../codec/tftp/ack-packet.ts';
import { encodeError } from '../../codec/tftp/error-packet.ts';
import { Opcode } from '../../codec/tftp/tftp-constants.ts';
import { decodeTftpPacket, type TftpPacket } from '../../codec/tftp/tftp-packet.ts';
import { FakeClock } from './fake-clock.ts';
import { ReadTransfer, type TransferResult } from './read-transfer.ts';
import { memoryFile } from './tftp-file-source.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function harness(size: number, o: { blksize?: number; windowsize?: number; oack?: Map<string, string>; maxRetries?: number } = {}) {
  const content = randomBytes(size);
  const clock = new FakeClock();
  const sent: { at: number; p: TftpPacket }[] = [];
  const negotiated = { blksize: o.blksize ?? 512, windowsize: o.windowsize ?? 1, timeoutMs: 1000, oack: o.oack };
  const t = new ReadTransfer({
    file: memoryFile(content),
    negotiated,
    send: (b) => sent.push({ at: clock.now(), p: decodeTftpPacket(b) }),
    clock,
    maxRetries: o.maxRetries ?? 5,
    maxTimeoutMs: 8000,
  });
  let result: TransferResult | undefined;
  void t.done.then((r) => (result = r));
  return {
    t,
    clock,
    content,
    negotiated,
    result: () => result,
    /** Packets sent since the last take(), as short strings like "DATA 3/512". */
    async take(): Promise<string[]> {
      await tick();
      return sent.splice(0).map(({ p }) => describePacket(p));
    },
    sentLog: sent,
    ack: async (block: number) => {
      t.receive(decodeTftpPacket(encodeAck(block)));
      await tick();
    },
  };
}

function describePacket(p: TftpPacket): string {
  switch (p.opcode) {
    case Opcode.DATA:
      return `DATA ${p.block}/${p.data.length}`;
    case Opcode.ACK:
      return `ACK ${p.block}`;
    case Opcode.ERROR:
      return `ERROR ${p.code}`;
    case Opcode.OACK:
      return `OACK ${[...p.options].map(([k, v]) => `${k}=${v}`).join(',')}`;
    default:
      return `REQ ${p.filename}`;
  }
}

/**
 * A receiver following RFC 1350 / RFC 7440: ACKs every `windowsize` in-order blocks and the final
 * one; on a gap ACKs the last in-order block once. `drop(i)` loses the i-th server packet.
 */
async function simulateClient(h: ReturnType<typeof harness>, drop: (i: number) => boolean = () => false): Promise<Buffer> {
  const { blksize, windowsize } = h.negotiated;
  const parts: Buffer[] = [];
  let expected = 1;
  let sinceAck = 0;
  let gapAcked = false;
  let index = 0;
  for (let rounds = 0; h.result() === undefined; rounds++) {
    assert.ok(rounds < 1_000_000, 'simulation did not terminate');
    await tick();
    const batch = h.sentLog.splice(0);
    if (batch.length === 0) {
      h.clock.advance(250);
      continue;
    }
    for (const { p } of batch) {
      if (drop(index++)) continue;
      if (p.opcode === Opcode.OACK) h.t.receive({ opcode: Opcode.ACK, block: 0 });
      if (p.opcode !== Opcode.DATA) continue;
      const abs = expected + ((p.block - expected) & 0xffff);
      if (abs !== expected) {
        if (!gapAcked) h.t.receive({ opcode: Opcode.ACK, block: (expected - 1) & 0xffff });
        gapAcked = true;
        continue;
      }
      gapAcked = false;
      parts.push(p.data);
      expected++;
      if (p.data.length < blksize || ++sinceAck === windowsize) {
        sinceAck = 0;
        h.t.receive({ opcode: Opcode.ACK, block: abs & 0xffff });
      }
    }
  }
  return Buffer.concat(parts);
}

describe('ReadTransfer: lock-step (RFC 1350)', () => {
  it('sends blocks one ACK at a time and completes on the ACK of the short block', async () => {
    const h = harness(1000);
    h.t.start();
    assert.deepEqual(await h.take(), ['DATA 1/512']);
    await h.ack(1);
    assert.deepEqual(await h.take(), ['DATA 2/488']);
    await h.ack(2);
    assert.deepEqual(h.result(), { outcome: 'complete', bytes: 1000, retransmits: 0 });
    assert.equal(h.clock.pending, 0, 'no timer left running');
  });

  const sizes: [string, number, string[]][] = [
    ['exact multiple of blksize ends with an empty block', 1024, ['DATA 1/512', 'DATA 2/512', 'DATA 3/0']],
    ['0-byte file is one empty block', 0, ['DATA 1/0']],
  ];
  for (const [name, size, expected] of sizes) {
    it(name, async () => {
      const h = harness(size);
      h.t.start();
      const seen: string[] = [];
      for (let b = 1; h.result() === undefined; b++) {
        seen.push(...(await h.take()));
        await h.ack(b);
      }
      assert.deepEqual(seen, expected);
      assert.equal(h.result()?.bytes, size);
    });
  }

  it('ignores a duplicate ACK instead of resending (no Sorcerer\'s Apprentice)', async () => {
    const h = harness(2048);
    h.t.start();
    await h.take();
    await h.ack(1);
    assert.deepEqual(await h.take(), ['DATA 2/512']);
    await h.ack(1); // duplicate: the network delivered it twice
    assert.deepEqual(await h.take(), []);
    await h.ack(2);
    assert.deepEqual(await h.take(), ['DATA 3/512'], 'exactly one DATA 3 despite the duplicate');
  });

  it('retransmits with doubling timeouts (capped) and gives up with an ERROR', async () => {
    const h = harness(100, { maxRetries: 5 });
    h.t.start();
    await h.take();
    for (let i = 0; i < 80; i++) {
      h.clock.advance(500);
      await tick();
    }
    const times = h.sentLog.map((s) => `${s.at}:${describePacket(s.p)}`);
    // first sent at 0; waits 1, 2, 4, 8, 8 s (doubling, capped at 8 s), then gives up after the 5th retry's wait
    assert.deepEqual(times, ['1000:DATA 1/100', '3000:DATA 1/100', '7000:DATA 1/100', '15000:DATA 1/100', '23000:DATA 1/100', '31000:ERROR 0']);
    assert.equal(h.result()?.outcome, 'failed');
    assert.match(h.result()?.reason ?? '', /timed out after 5/);
    assert.equal(h.clock.pending, 0);
  });

  it('an ACK resets the back-off', async () => {
    const h = harness(2048);
    h.t.start();
    await h.take();
    h.clock.advance(1000); // retransmit 1, next wait 2 s
    await h.ack(1);
    h.sentLog.splice(0);
    h.clock.advance(999);
    assert.deepEqual(await h.take(), []);
    h.clock.advance(1);
    assert.deepEqual(await h.take(), ['DATA 2/512'], 'timeout back to 1 s after progress');
  });
});

describe('ReadTransfer: options (RFC 2347) and client aborts', () => {
  it('sends the OACK, resends it on timeout, starts DATA on ACK 0 and ignores a duplicate ACK 0', async () => {
    const h = harness(10, { oack: new Map([['tsize', '10']]) });
    h.t.start();
    assert.deepEqual(await h.take(), ['OACK tsize=10']);
    h.clock.advance(1000);
    assert.deepEqual(await h.take(), ['OACK tsize=10']);
    await h.ack(5); // bogus: not ACK 0
    assert.deepEqual(await h.take(), []);
    await h.ack(0);
    assert.deepEqual(await h.take(), ['DATA 1/10']);
    await h.ack(0);
    assert.deepEqual(await h.take(), []);
    await h.ack(1);
    assert.equal(h.result()?.outcome, 'complete');
    assert.equal(h.result()?.retransmits, 1);
  });

  it('OVMF tsize probe: ERROR 8 after the OACK is a clean abort, nothing more is sent', async () => {
    const h = harness(5_000_000, { oack: new Map([['tsize', '5000000'], ['blksize', '1468']]) });
    h.t.start();
    await h.take();
    h.t.receive(decodeTftpPacket(encodeError(8, 'tsize probe')));
    await tick();
    assert.deepEqual(h.result(), { outcome: 'aborted', reason: 'client sent ERROR 8: tsize probe', bytes: 0, retransmits: 0 });
    h.clock.advance(60_000);
    assert.deepEqual(await h.take(), []);
  });

  it('answers a DATA from the client with ERROR 4 and fails', async () => {
    const h = harness(10);
    h.t.start();
    await h.take();
    h.t.receive({ opcode: Opcode.DATA, block: 1, data: Buffer.alloc(1) });
    assert.deepEqual(await h.take(), ['ERROR 4']);
    assert.equal(h.result()?.outcome, 'failed');
  });
});

describe('ReadTransfer: windows (RFC 7440)', () => {
  it('sends a window, waits for its last ACK, and resends after an ACK for an earlier block', async () => {
    const h = harness(512 * 9 + 100, { windowsize: 4 }); // blocks 1..10
    h.t.start();
    assert.deepEqual(await h.take(), ['DATA 1/512', 'DATA 2/512', 'DATA 3/512', 'DATA 4/512']);
    await h.ack(4);
    assert.deepEqual(await h.take(), ['DATA 5/512', 'DATA 6/512', 'DATA 7/512', 'DATA 8/512']);
    await h.ack(6); // 7 was lost
    assert.deepEqual(await h.take(), ['DATA 7/512', 'DATA 8/512', 'DATA 9/512', 'DATA 10/100']);
    await h.ack(4); // stale ACK arriving late: ignored
    await h.ack(6); // duplicate of the partial ACK: ignored
    assert.deepEqual(await h.take(), []);
    await h.ack(10);
    assert.deepEqual(h.result(), { outcome: 'complete', bytes: 512 * 9 + 100, retransmits: 0 });
  });

  it('ACKs reordered inside a window: the later one wins, the earlier is stale', async () => {
    const h = harness(512 * 12, { windowsize: 4 });
    h.t.start();
    await h.take();
    await h.ack(4);
    assert.equal((await h.take()).length, 4);
    await h.ack(8);
    await h.ack(7); // arrives after 8
    assert.deepEqual(await h.take(), ['DATA 9/512', 'DATA 10/512', 'DATA 11/512', 'DATA 12/512']);
  });

  const lossy: [string, number, number, (i: number) => boolean][] = [
    ['every 7th packet lost, window 8', 8, 200_000, (i) => i % 7 === 3],
    ['bursts of loss, window 16', 16, 300_000, (i) => i % 50 < 5],
    ['every 5th packet lost, lock-step', 1, 50_000, (i) => i % 5 === 4],
  ];
  for (const [name, windowsize, size, drop] of lossy) {
    it(`delivers the exact bytes despite loss: ${name}`, async () => {
      const h = harness(size, { windowsize, oack: new Map([['windowsize', String(windowsize)]]) });
      h.t.start();
      const got = await simulateClient(h, drop);
      assert.equal(h.result()?.outcome, 'complete');
      assert.equal(sha(got), sha(h.content));
      assert.ok((h.result()?.retransmits ?? 0) > 0, 'the loss pattern must have forced retransmissions');
    });
  }
});

describe('ReadTransfer: block number roll-over', () => {
  it('a 70,001-block file (blksize 8) wraps 65535 -> 0 and arrives intact', async () => {
    const size = 8 * 70_000 + 3;
    const h = harness(size, { blksize: 8, windowsize: 32, oack: new Map([['blksize', '8']]) });
    const wire: number[] = [];
    const send = h.sentLog;
    const origPush = send.push.bind(send);
    send.push = (...items) => {
      for (const it of items) if (it.p.opcode === Opcode.DATA) wire.push(it.p.block);
      return origPush(...items);
    };
    h.t.start();
    const got = await simulateClient(h);
    assert.equal(h.result()?.outcome, 'complete');
    assert.equal(sha(got), sha(h.content));
    assert.deepEqual(wire.slice(65533, 65539), [65534, 65535, 0, 1, 2, 3]);
    assert.equal(wire.length, 70_001);
    assert.equal(wire.at(-1), 70_001 - 65_536);
  });
});
