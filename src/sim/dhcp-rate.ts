// An open-loop DHCPv4 load generator in the manner of Kea's perfdhcp (which Debian 12 ships in kea-admin, when that
// can be installed): DORA exchanges started at a fixed rate from N distinct MACs, sent as a relay agent (giaddr =
// our address, replies expected unicast to giaddr:67), an exchange counted as dropped when a reply is over 1 s late.
// The figure that matters is the highest offered rate with < 1 % drops (issue 7).
import dgram from 'node:dgram';
import { once } from 'node:events';
import { clientBytes } from '../boot/dhcp/dhcp-request-builder.ts';
import { decodeDhcp } from '../codec/dhcp/index.ts';

export interface DhcpRateOptions {
  server: string;
  /** Our address: bound on port 67, sent as giaddr; the server picks the subnet (pool) by it. */
  relay: string;
  /** Exchanges started per second; bounded so a typo cannot flood anything. */
  rate: number;
  durationMs: number;
  /** Distinct client MACs, reused round-robin (perfdhcp -R). */
  clients: number;
  /** A reply later than this counts as a drop (perfdhcp's default drop time is 1 s). */
  dropAfterMs?: number;
  /** First bytes of every MAC (the rest numbers the client). */
  macPrefix?: number;
  port?: number;
}

export interface DhcpRateResult {
  rate: number;
  seconds: number;
  discovers: number;
  offers: number;
  requests: number;
  acks: number;
  /** Exchanges with no OFFER, or no ACK after the REQUEST, within dropAfterMs. */
  drops: number;
  dropPercent: number;
  /** ACKs per second of the sending window. */
  acksPerSecond: number;
  /** DISCOVER sent → ACK received, ms. */
  rttMs: { p50: number; p99: number };
}

export const MAX_RATE = 50_000;
export const MAX_DURATION_MS = 120_000;

interface Exchange {
  mac: string;
  started: number;
  /** When the packet we wait a reply for went out. */
  sentAt: number;
  stage: 'offer' | 'ack';
}

const macOf = (prefix: number, i: number) => [0x02, prefix & 0xff, (i >>> 24) & 0xff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':');

export async function runDhcpRate(o: DhcpRateOptions): Promise<DhcpRateResult> {
  if (!(o.rate > 0 && o.rate <= MAX_RATE)) throw new Error(`rate must be 1..${MAX_RATE}`);
  if (!(o.durationMs > 0 && o.durationMs <= MAX_DURATION_MS)) throw new Error(`duration must be 1..${MAX_DURATION_MS} ms`);
  const port = o.port ?? 67;
  const dropAfter = o.dropAfterMs ?? 1000;
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  socket.bind(port, o.relay);
  await once(socket, 'listening');
  socket.setRecvBufferSize(4 * 1024 * 1024);
  socket.setSendBufferSize(4 * 1024 * 1024);
  const open = new Map<number, Exchange>();
  const rtts: number[] = [];
  const n = { discovers: 0, offers: 0, requests: 0, acks: 0, drops: 0 };
  let xid = (Math.random() * 0x7fffffff) >>> 0;
  const send = (b: Buffer) => socket.send(b, port, o.server);

  socket.on('message', (msg) => {
    let p;
    try {
      p = decodeDhcp(msg);
    } catch {
      return;
    }
    const x = open.get(p.xid);
    if (!x) return; // late (already counted as dropped) or not ours
    const now = performance.now();
    if (x.stage === 'offer' && p.options.messageType === 'OFFER') {
      n.offers++;
      x.stage = 'ack';
      x.sentAt = now;
      n.requests++;
      send(clientBytes({ type: 'REQUEST', mac: x.mac, xid: p.xid, giaddr: o.relay, requestedIp: p.yiaddr, ...(p.options.serverId && { serverId: p.options.serverId }) }));
    } else if (x.stage === 'ack' && (p.options.messageType === 'ACK' || p.options.messageType === 'NAK')) {
      open.delete(p.xid);
      if (p.options.messageType === 'ACK') {
        n.acks++;
        rtts.push(now - x.started);
      } else n.drops++;
    }
  });

  const t0 = performance.now();
  let started = 0;
  const sweep = (now: number) => {
    for (const [id, x] of open) if (now - x.sentAt > dropAfter) (open.delete(id), n.drops++);
  };
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const due = Math.min(Math.floor(((now - t0) * o.rate) / 1000), Math.floor((o.durationMs * o.rate) / 1000));
      for (; started < due; started++) {
        const mac = macOf(o.macPrefix ?? 0x5d, started % o.clients);
        xid = (xid + 1) >>> 0;
        open.set(xid, { mac, started: now, sentAt: now, stage: 'offer' });
        n.discovers++;
        send(clientBytes({ type: 'DISCOVER', mac, xid, giaddr: o.relay }));
      }
      sweep(now);
      if (now - t0 >= o.durationMs + dropAfter) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  sweep(Infinity);
  socket.close();
  rtts.sort((a, b) => a - b);
  const at = (p: number) => (rtts.length ? rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))]! : NaN);
  const exchanges = n.discovers;
  return {
    rate: o.rate,
    seconds: o.durationMs / 1000,
    ...n,
    dropPercent: exchanges ? (100 * n.drops) / exchanges : 0,
    acksPerSecond: n.acks / (o.durationMs / 1000),
    rttMs: { p50: at(0.5), p99: at(0.99) },
  };
}
