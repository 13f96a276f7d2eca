// The iPXE script of a MAC carries that node's install token: serve it only to the address that MAC holds, when we know.
import type { FastifyInstance } from 'fastify';
import type { EventSink } from '../../domain/events/event-sink.ts';
import { isHeld, type LeaseStore } from '../dhcp/lease-store.ts';
import type { HttpAnswer } from './boot-script-answer.ts';
import { parseMac } from './boot-query-mac.ts';

/** What the guard knows about who holds which address. Both lookups may answer "don't know" (undefined). */
export interface MacIpFacts {
  /** The MAC holding `ip`: from our DHCP ACKs or the kernel's neighbour (ARP) table (IpMacTable.macOf). */
  macOf(ip: string): string | undefined | Promise<string | undefined>;
  /** The address `mac` holds by a current DHCP lease of ours. */
  ipOf?(mac: string): string | undefined | Promise<string | undefined>;
}

export type MacIpVerdict = { ok: true; basis: 'match' | 'unknown' } | { ok: false; reason: 'ip-held-by-other-mac' | 'mac-leased-elsewhere'; detail: string };

/** Node reports IPv4 peers on dual-stack sockets as ::ffff:a.b.c.d. */
export const plainIp = (ip: string): string => ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/**
 * Refuses when either fact contradicts the claim "the machine at `ip` is `mac`": the address is known to belong to
 * another MAC, or the MAC is known to hold another address. When nothing is known (a routed client we never gave a
 * lease, no neighbour entry) the request is allowed: the token is then as safe as the network path (docs/tls.md).
 */
export async function macIpVerdict(facts: MacIpFacts, requesterIp: string, mac: string): Promise<MacIpVerdict> {
  const ip = plainIp(requesterIp);
  const want = mac.toLowerCase();
  const holder = (await facts.macOf(ip))?.toLowerCase();
  if (holder !== undefined && holder !== want) return { ok: false, reason: 'ip-held-by-other-mac', detail: `${ip} is ${holder}` };
  const leased = await facts.ipOf?.(want);
  if (leased !== undefined && leased !== ip) return { ok: false, reason: 'mac-leased-elsewhere', detail: `${want} holds ${leased}` };
  return { ok: true, basis: holder !== undefined || leased !== undefined ? 'match' : 'unknown' };
}

/** `ipOf` from our DHCP leases: the MAC's bound, unexpired lease in any served subnet. */
export function leaseAddressOf(leases: Pick<LeaseStore, 'getByMac'>, subnets: readonly string[], now: () => number = Date.now): (mac: string) => Promise<string | undefined> {
  return async (mac) => {
    for (const subnet of subnets) {
      const l = await leases.getByMac(mac, subnet);
      if (l && l.state === 'bound' && isHeld(l, now())) return l.ip;
    }
    return undefined;
  };
}

/** The 403 for a requester the guard refused, and its `http.refused` event (no node on it: the MAC is unproven). */
export function guardRefusal(events: EventSink, path: string, mac: string, ip: string, verdict: { reason: string; detail: string }): HttpAnswer {
  events.emit({ actor: 'boot', node: null, kind: 'http.refused', details: { path, mac, from: plainIp(ip), reason: verdict.reason, detail: verdict.detail } });
  return { status: 403, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' }, body: `stage0: ${verdict.reason}: this address may not fetch the boot script of ${mac}\n` };
}

/** Paths whose answer carries per-node secrets selected by a MAC in the query (`?mac=`). */
export const MAC_SECRET_ROUTES: readonly string[] = ['/boot.ipxe'];

/**
 * Adds the check as an app hook, before the route handler runs: the boot decision (which mints a fresh install
 * token and revokes the old one) never happens for a refused request. Malformed MACs are left to the route (400).
 */
export function macIpGuard(app: FastifyInstance, facts: MacIpFacts, events: EventSink, routes: readonly string[] = MAC_SECRET_ROUTES): void {
  app.addHook('preHandler', async (req, reply) => {
    if (!routes.includes(req.routeOptions.url ?? '')) return undefined;
    const mac = parseMac((req.query as { mac?: unknown } | undefined)?.mac);
    if (!mac) return undefined;
    const verdict = await macIpVerdict(facts, req.ip, mac);
    if (verdict.ok) return undefined;
    const a = guardRefusal(events, req.routeOptions.url ?? '', mac, req.ip, verdict);
    return reply.code(a.status).headers(a.headers).send(a.body);
  });
}
