// Bounds how fast unknown MACs make us work: one bucket per MAC and one shared by all unknown MACs.
import type { DhcpCounters } from '../dhcp-counters.ts';
import { drop, type DhcpHandler } from '../dhcp-handler.ts';
import type { KeyedTokenBucket } from '../token-bucket.ts';

/**
 * Runs after the reservation lookup: known nodes are never limited, so a flood of random MACs
 * (each with a fresh per-MAC bucket) is stopped by the shared bucket and cannot starve them.
 */
export function rateLimitHandler(perMac: KeyedTokenBucket, shared: KeyedTokenBucket, counters: DhcpCounters): DhcpHandler {
  return {
    name: 'rate-limit',
    async handle(req, res, ctx) {
      if (ctx.node !== undefined) return res;
      if (!perMac.take(req.mac, ctx.now)) {
        counters.inc('rate-limited.mac');
        return drop('rate-limited');
      }
      if (!shared.take('unknown', ctx.now)) {
        counters.inc('rate-limited.unknown-total');
        return drop('rate-limited');
      }
      return res;
    },
  };
}
