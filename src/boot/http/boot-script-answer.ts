// The per-node iPXE script as a function of request facts (?mac, peer address) → status, headers, body: one
// implementation behind both the fastify route and the boot listener's lean path (boot-script-fast-path.ts).
import type { EventSink } from '../../domain/events/event-sink.ts';
import type { BootDecider, BootPlan } from './boot-plan.ts';
import { renderIpxeScript } from './ipxe-script.ts';
import { parseMac } from './boot-query-mac.ts';
import { guardRefusal, macIpVerdict, type MacIpFacts } from './mac-ip-guard.ts';

/** What the answer depends on in a request; the caller parses it (fastify or node:http). */
export interface BootScriptRequest {
  /** `?mac=` as parsed from the query string: a string, an array when repeated, undefined when absent. */
  mac: unknown;
  /** The peer address as the socket reports it (IPv4 on a dual-stack socket as ::ffff:a.b.c.d). */
  ip: string;
}

/** Header names lowercase, in the order they are written (fastify writes them in that order too). */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface BootScriptOptions {
  httpBase: string;
  decider: BootDecider;
  events: EventSink;
  /**
   * The MAC-IP guard, checked before the decision (which mints install tokens). Absent: the caller runs it itself
   * (the fastify app does, as a preHandler hook: mac-ip-guard.ts).
   */
  guard?: MacIpFacts;
}

export const BOOT_SCRIPT_PATH = '/boot.ipxe';

const TEXT = 'text/plain';

export const BAD_MAC: Readonly<HttpAnswer> = Object.freeze({ status: 400, headers: Object.freeze({ 'content-type': TEXT }), body: 'stage0: a valid mac is required, e.g. ?mac=52:54:00:12:34:56\n' });

/** Validates the MAC, asks the guard (when given), decides, records `http.boot-script` and renders the script. */
export function bootScriptAnswerer(o: BootScriptOptions): (req: BootScriptRequest) => Promise<HttpAnswer> {
  // A reused decision (cached-boot-decider.ts) hands back the same plan object: render it once for its MAC and node.
  const rendered = new WeakMap<object, { mac: string; node: string | undefined; body: string }>();
  const render = (plan: BootPlan, mac: string, node: string | undefined): string => {
    const hit = rendered.get(plan);
    if (hit && hit.mac === mac && hit.node === node) return hit.body;
    const body = renderIpxeScript(plan, { httpBase: o.httpBase, mac, ...(node && { node }) });
    rendered.set(plan, { mac, node, body });
    return body;
  };
  return async (req) => {
    const mac = parseMac(req.mac);
    if (!mac) return BAD_MAC;
    if (o.guard) {
      const verdict = await macIpVerdict(o.guard, req.ip, mac);
      if (!verdict.ok) return guardRefusal(o.events, BOOT_SCRIPT_PATH, mac, req.ip, verdict);
    }
    const { node, plan } = await o.decider.decide(mac, 'ipxe');
    o.events.emit({ actor: 'boot', node: node ?? null, kind: 'http.boot-script', details: { mac, plan: plan.kind, reason: plan.reason, from: req.ip } });
    return { status: 200, headers: { 'content-type': TEXT, 'cache-control': 'no-store' }, body: render(plan, mac, node) };
  };
}
