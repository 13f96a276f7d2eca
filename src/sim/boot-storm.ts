// Plays N PXE clients at once (or spread over a ramp) against whatever answers DHCP on the link, bounded in count
// and time, and summarises their timelines: the library behind bench/boot-storm.ts and the e2e test.
import { DhcpClientPort } from './dhcp-client-port.ts';
import { bootPxeClient, type ClientTimeline, type StageName } from './pxe-client.ts';
import { summariseStorm, type StormReport } from './storm-report.ts';

export const MAX_STORM_CLIENTS = 5000;

export interface StormOptions {
  clients: number;
  /** Client i starts at i × rampMs / clients (0: all at once, the worst case). */
  rampMs?: number;
  /** Clients still running after this are counted as failed at the stage they were in. */
  deadlineMs: number;
  /** Scales the PXE DHCP timeouts 4/8/16/32 s (1 = firmware). */
  timeScale?: number;
  /** First MAC index (MACs are simMac(first + i)). */
  first?: number;
  tftpFile?: string;
  tftpBlksize?: number;
  tftpTimeoutMs?: number;
  httpTimeoutMs?: number;
  /** DHCP destination (default broadcast) and relay address (giaddr, the port then binds it on 67). */
  dhcpServer?: string;
  giaddr?: string;
  dhcpClientPort?: number;
  /** Stop each client after its first DORA (DHCP rate benches). */
  dhcpOnly?: boolean;
}

/** Locally administered MACs, 02:5b:xx:xx:xx:xx, one per client index: shared with whoever registers the nodes. */
export const simMac = (i: number): string =>
  `02:5b:${[24, 16, 8, 0].map((b) => ((i >>> b) & 255).toString(16).padStart(2, '0')).join(':')}`;

export async function runStorm(o: StormOptions): Promise<{ report: StormReport; timelines: ClientTimeline[] }> {
  if (!(o.clients >= 1 && o.clients <= MAX_STORM_CLIENTS)) throw new Error(`clients must be 1..${MAX_STORM_CLIENTS}`);
  const port = new DhcpClientPort({
    port: o.giaddr ? 67 : (o.dhcpClientPort ?? 68),
    bindAddress: o.giaddr,
    serverAddress: o.dhcpServer ?? '255.255.255.255',
  });
  await port.open();
  const t0 = performance.now();
  const now = () => Math.round((performance.now() - t0) * 10) / 10;
  const xidBase = (Math.random() * 0x3fffffff) >>> 0;
  const stageOf = new Map<number, StageName>(); // where each unfinished client is
  const results: ClientTimeline[] = [];
  let done = false; // past the deadline: late finishers are not counted
  try {
    const all = Array.from({ length: o.clients }, async (_, i) => {
      const delay = o.rampMs ? (i * o.rampMs) / o.clients : 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const tl = await bootPxeClient({
        index: i, mac: simMac((o.first ?? 0) + i), xid: (xidBase + i * 4) >>> 0, dhcp: port, timeScale: o.timeScale ?? 1,
        tftpFile: o.tftpFile, tftpBlksize: o.tftpBlksize, tftpTimeoutMs: o.tftpTimeoutMs, httpTimeoutMs: o.httpTimeoutMs, now, giaddr: o.giaddr, dhcpOnly: o.dhcpOnly,
        onStage: (s) => stageOf.set(i, s),
      });
      if (!done) results.push(tl);
      stageOf.delete(i);
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((r) => (timer = setTimeout(() => r('deadline'), o.deadlineMs)));
    const outcome = await Promise.race([Promise.all(all).then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    done = true;
    if (outcome === 'deadline') {
      const finished = new Set(results.map((r) => r.index));
      for (let i = 0; i < o.clients; i++) {
        if (!finished.has(i)) results.push({ index: i, mac: simMac((o.first ?? 0) + i), ok: false, start: 0, end: now(), stages: [], failed: { stage: stageOf.get(i) ?? 'dhcp-rom', reason: `still running at the ${o.deadlineMs} ms deadline` } });
      }
    }
  } finally {
    await port.close();
  }
  results.sort((a, b) => a.index - b.index);
  return { report: summariseStorm(results, { unmatchedDhcpReplies: port.unmatched }), timelines: results };
}
