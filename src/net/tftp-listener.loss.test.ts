// Many concurrent lock-step transfers through a relay that loses, duplicates and delays chosen DATA and
// ACK packets (deterministic per transfer), with clients that retransmit and re-ACK like PXE firmware and a
// few that vanish mid-transfer. Every transfer must end: complete with the right bytes, or given up by the
// server within its retransmission budget, never left running (what the boot storm seemed to show of d0b2eee;
// bench/RESULTS.md explains why that was the simulator, not the server).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { memoryFile } from '../boot/tftp/tftp-file-source.ts';
import { startTftpServer, type TftpServer, type TftpTransferEvent } from './tftp-listener.ts';
import { startLossyRelay, type LossyRelay, type RelayFate, type RelayPacket } from './tftp-lossy-relay.ts';
import { tftpRetryingGet } from './tftp-retrying-client.ts';

const nbp = randomBytes(74_213); // undionly.kpxe's size: 51 blocks of 1468
const CLIENTS = 200;
const VANISHING = 10;
const MAX_RETRIES = 3;
const MAX_TIMEOUT_MS = 1000;
/** How long a server may take to give up once nothing comes back: 1 s + 3 × 1 s, plus scheduling slack. */
const GIVE_UP_BOUND_MS = (1 + MAX_RETRIES) * MAX_TIMEOUT_MS + 3000;

/** A reproducible number in [0, 1) from the packet's identity (xorshift-multiply hash). */
function unit(p: RelayPacket): number {
  let h = 0x9e3779b9 ^ Math.imul(p.flow + 1, 0x85ebca6b);
  for (const v of [p.toServer ? 1 : 2, p.opcode, p.block, p.nth]) {
    h = Math.imul(h ^ v, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x27d4eb2f);
    h ^= h >>> 13;
  }
  return (h >>> 0) / 2 ** 32;
}

/** 3 % of DATA and 5 % of ACKs lost; ACKs also duplicated (one copy late) or delayed past the next DATA. */
function fate(p: RelayPacket): RelayFate {
  if (p.opcode === 1) return 'pass'; // the RRQ
  const x = unit(p);
  if (x < (p.opcode === 4 ? 0.05 : 0.03)) return 'drop';
  if (p.opcode === 4 && x < 0.1) return 'duplicate';
  if (p.opcode === 4 && x < 0.13) return 'late';
  if (p.opcode === 3 && x < 0.07) return 'duplicate';
  return 'pass';
}

// Every case runs twice: in-memory files through the native pump (native/stage0-tftp-pump.c), and through
// ReadTransfer in JavaScript (what serves files that are not in memory, and the fallback when the addon is not built).
for (const nativePump of [true, false]) {
describe(`TFTP listener under loss (${nativePump ? 'native pump' : 'JavaScript transfers'})`, () => {
  let server: TftpServer;
  let relay: LossyRelay;
  const events: TftpTransferEvent[] = [];

  before(async () => {
    server = await startTftpServer({
      address: '127.0.0.1',
      port: 0,
      source: { open: async (path) => (path === 'undionly.kpxe' ? memoryFile(nbp) : undefined) },
      maxRetries: MAX_RETRIES,
      maxTimeoutMs: MAX_TIMEOUT_MS,
      onTransfer: (e) => events.push(e),
      nativePump,
    });
    relay = await startLossyRelay({ server: server.port, fate, lateMs: 120 });
  });
  after(async () => {
    await relay?.close();
    await server?.close();
  });

  describe('TFTP lock-step under loss, duplicates and late ACKs', () => {
    it(`${CLIENTS} concurrent transfers all end: complete with the right bytes, or given up by the server`, { timeout: 60_000 }, async () => {
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) =>
          tftpRetryingGet(relay.port, 'undionly.kpxe', {
            blksize: i % 8 === 7 ? undefined : 1468, // an eighth without options: 512-byte blocks, no OACK
            vanishAfter: i < VANISHING ? 20 : undefined,
          }),
        ),
      );
      const settled = performance.now();
      for (const [i, r] of results.entries()) {
        if (i < VANISHING) assert.equal(r.outcome, 'vanished', `client ${i}`);
        else {
          assert.equal(r.outcome, 'complete', `client ${i} stopped at block ${r.expected} (${r.outcome})`);
          assert.ok(r.data.equals(nbp), `client ${i}: wrong bytes`);
        }
      }
      while (server.stats().active > 0 && performance.now() - settled < GIVE_UP_BOUND_MS) await new Promise((r) => setTimeout(r, 50));
      const s = server.stats();
      assert.equal(s.active, 0, `${s.active} transfers still running ${GIVE_UP_BOUND_MS} ms after every client stopped (stuck)`);
      assert.equal(events.length, CLIENTS);
      assert.equal(s.complete + s.failed, CLIENTS);
      // Vanished clients, and clients whose final ACK was lost, are given up by the server.
      assert.ok(s.failed >= VANISHING, `failed ${s.failed}`);
      for (const e of events.filter((e) => e.outcome === 'failed')) assert.match(e.reason ?? '', /timed out after 3 retransmissions/);
      assert.ok(relay.counts.drop > 100 && relay.counts.duplicate > 100 && relay.counts.late > 50, JSON.stringify(relay.counts));
      assert.ok(s.retransmits > 0);
    });
  });
});
}
