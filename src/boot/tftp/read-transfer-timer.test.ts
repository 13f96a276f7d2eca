// The read transfer's one retransmission timer (moved lazily, not re-created per packet) on a fake clock:
// it must always fire one timeout after the last progress, whatever moved it before, never be postponed by
// duplicate or stale ACKs, survive a timeout that fires while a file read is pending, and end with the
// transfer (complete, given up, or failed read) leaving nothing armed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Opcode } from '../../codec/tftp/tftp-constants.ts';
import { decodeTftpPacket } from '../../codec/tftp/tftp-packet.ts';
import { FakeClock } from './fake-clock.ts';
import { ReadTransfer, type TransferResult } from './read-transfer.ts';
import { memoryFile, type TftpFile } from './tftp-file-source.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A file whose reads wait until the test releases them (a slow disk); no readSync. */
function gatedFile(content: Buffer) {
  const waiting: (() => void)[] = [];
  let failNext = false;
  const file: TftpFile = {
    size: content.length,
    read: (offset, length) =>
      new Promise((resolve, reject) =>
        waiting.push(() => (failNext ? reject(new Error('EIO')) : resolve(content.subarray(offset, offset + length)))),
      ),
  };
  return { file, pending: () => waiting.length, release: () => waiting.splice(0).forEach((r) => r()), failNextRead: () => (failNext = true) };
}

/** A transfer of a 2 KiB gated file, started, its first read released: DATA 1 has gone out. */
async function startedOnGatedFile() {
  const g = gatedFile(randomBytes(2048));
  const h = harness(g.file);
  h.t.start();
  await tick();
  g.release();
  await tick();
  return { g, h };
}

function harness(file: TftpFile) {
  const clock = new FakeClock();
  const sent: string[] = [];
  const t = new ReadTransfer({
    file,
    negotiated: { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: undefined },
    send: (b) => {
      const p = decodeTftpPacket(b);
      sent.push(`${clock.now()}:${p.opcode === Opcode.DATA ? `DATA ${p.block}` : p.opcode === Opcode.ERROR ? 'ERROR' : p.opcode}`);
    },
    clock,
    maxRetries: 5,
    maxTimeoutMs: 8000,
  });
  let result: TransferResult | undefined;
  void t.done.then((r) => (result = r));
  const ack = async (block: number) => {
    t.receive({ opcode: Opcode.ACK, block });
    await tick();
  };
  /** Advances in small steps so promise continuations run between timer firings, as on a real loop. */
  const advance = async (ms: number, step = 100) => {
    for (let left = ms; left > 0; left -= step) {
      clock.advance(Math.min(step, left));
      await tick();
    }
  };
  return { t, clock, sent, ack, advance, result: () => result };
}

describe('ReadTransfer: the retransmission timer', () => {
  it('fires one timeout after the last ACK, however often ACKs moved it before', async () => {
    const h = harness(memoryFile(randomBytes(512 * 20)));
    h.t.start();
    await tick();
    for (let b = 1; b <= 8; b++) {
      await h.advance(300); // ACKs every 300 ms: the first arming (at 0) is long past by block 4
      await h.ack(b);
    }
    assert.equal(h.sent.at(-1), '2400:DATA 9');
    h.sent.splice(0);
    await h.advance(999, 1);
    assert.deepEqual(h.sent, [], 'nothing before the timeout');
    await h.advance(1, 1);
    assert.deepEqual(h.sent, ['3400:DATA 9']);
  });

  it('is not postponed by duplicate or stale ACKs (a client retransmitting its last ACK)', async () => {
    const h = harness(memoryFile(randomBytes(2048)));
    h.t.start();
    await tick();
    await h.advance(100);
    await h.ack(1); // DATA 2 at 100, lost
    for (let i = 0; i < 3; i++) {
      await h.advance(300);
      await h.ack(1); // 400, 700, 1000: the client resends ACK 1
      await h.ack(0); // and something older still
    }
    await h.advance(100, 1);
    assert.deepEqual(h.sent, ['0:DATA 1', '100:DATA 2', '1100:DATA 2']);
  });

  it('gives up one back-off budget after the last ACK (1+2+4+8+8+8 s) and leaves nothing armed', async () => {
    const h = harness(memoryFile(randomBytes(4096)));
    h.t.start();
    await tick();
    await h.advance(200);
    await h.ack(1);
    await h.advance(200);
    await h.ack(2); // last progress at 400
    await h.advance(40_000, 500);
    assert.deepEqual(h.sent.slice(3), ['1400:DATA 3', '3400:DATA 3', '7400:DATA 3', '15400:DATA 3', '23400:DATA 3', '31400:ERROR']);
    assert.equal(h.result()?.outcome, 'failed');
    assert.equal(h.clock.pending, 0);
  });

  it('a timeout that fires while a read is pending is not lost: the window is sent, then retransmitted', async () => {
    const { g, h } = await startedOnGatedFile();
    await h.advance(100);
    await h.ack(1); // read of block 2 now pending
    assert.equal(g.pending(), 1);
    await h.advance(1500); // the timer armed for DATA 1 fires meanwhile
    await h.ack(1); // and a duplicate arrives while the read is still pending
    g.release();
    await tick();
    await tick();
    assert.deepEqual(h.sent, ['0:DATA 1', '1600:DATA 2']);
    await h.advance(1000, 50);
    assert.equal(g.pending(), 1, 'the retransmission reads again');
    g.release();
    await tick();
    assert.deepEqual(h.sent.slice(2), ['2600:DATA 2']);
    await h.ack(2);
    await h.advance(50);
    g.release();
    await tick();
    await h.ack(3);
    await h.ack(4);
    g.release();
    await tick();
    await h.ack(5);
    assert.equal(h.result()?.outcome, 'complete');
    assert.equal(h.clock.pending, 0);
  });

  it('a read that fails ends the transfer with an ERROR; later events and the old timer do nothing', async () => {
    const { g, h } = await startedOnGatedFile();
    await h.ack(1);
    g.failNextRead();
    g.release();
    await tick();
    await tick();
    assert.equal(h.result()?.outcome, 'failed');
    assert.match(h.result()?.reason ?? '', /read error: EIO/);
    await h.ack(2);
    await h.advance(40_000, 1000);
    assert.deepEqual(h.sent, ['0:DATA 1', '0:ERROR']);
    assert.equal(h.clock.pending, 0);
  });

  it('a cancel (server shutdown) logs where the transfer stood: retrying within its budget, not stuck', async () => {
    const h = harness(memoryFile(randomBytes(2048)));
    h.t.start();
    await tick();
    await h.advance(200);
    await h.ack(1);
    await h.advance(200);
    await h.ack(2); // last progress at 400; DATA 3 lost, resent at 1400, next wait 2 s
    await h.advance(1500);
    h.t.cancel('server shutting down');
    await tick();
    assert.equal(h.result()?.outcome, 'failed');
    assert.equal(h.result()?.reason, 'server shutting down (at block 3 of 5, 1 retransmissions since the last ACK 1500 ms ago, next retransmission in 1500 ms)');
    assert.equal(h.clock.pending, 0);
  });
});
