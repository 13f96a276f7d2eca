// One simulated machine booting from the network, stage by stage, as a BIOS PXE ROM chaining iPXE does:
// DHCP (ROM) → TFTP the NBP → DHCP again as iPXE → HTTP boot script → HTTP kernel and initrd. Records a timeline.
import { DhcpClientError, runDora, type DhcpLease } from './dhcp-client.ts';
import type { DhcpClientPort } from './dhcp-client-port.ts';
import { httpDownload, httpGet, ipxeScriptFetches } from './http-get.ts';
import { TftpClientError, tftpGet } from './tftp-client.ts';

export type StageName = 'dhcp-rom' | 'tftp' | 'dhcp-ipxe' | 'http-script' | 'http-kernel' | 'http-initrd';

export interface StageRecord {
  stage: StageName;
  /** ms since the storm started. */
  start: number;
  end: number;
  retries?: number;
  bytes?: number;
}

export interface ClientTimeline {
  index: number;
  mac: string;
  ip?: string;
  ok: boolean;
  start: number;
  end: number;
  stages: StageRecord[];
  failed?: { stage: StageName; reason: string };
}

export interface PxeClientOptions {
  index: number;
  mac: string;
  /** Base xid; the client uses xid .. xid+3 for its two DORAs. */
  xid: number;
  dhcp: DhcpClientPort;
  /** Scales the PXE DHCP timeouts (4/8/16/32 s); 1 = firmware. */
  timeScale: number;
  /** Ask for this instead of the DHCP boot file (e.g. when a server names another NBP). */
  tftpFile?: string;
  tftpBlksize?: number;
  /** TFTP retransmission timeout, ms (firmware ~1 s), scaled by nothing. */
  tftpTimeoutMs?: number;
  httpTimeoutMs?: number;
  /** Milliseconds since the storm started, from one clock for every client. */
  now: () => number;
  giaddr?: string;
  /** Stop after the ROM's DORA. */
  dhcpOnly?: boolean;
  /** Told when the client enters a stage (the storm reports where unfinished clients were). */
  onStage?: (s: StageName) => void;
}

export async function bootPxeClient(o: PxeClientOptions): Promise<ClientTimeline> {
  const t: ClientTimeline = { index: o.index, mac: o.mac, ok: false, start: o.now(), end: 0, stages: [] };
  let current: StageName = 'dhcp-rom';
  const stage = async <T>(name: StageName, work: () => Promise<T>, describe: (r: T) => Partial<StageRecord>): Promise<T> => {
    current = name;
    o.onStage?.(name);
    const start = o.now();
    const r = await work();
    t.stages.push({ stage: name, start, end: o.now(), ...describe(r) });
    return r;
  };
  try {
    const rom = await stage('dhcp-rom', () => runDora(o.dhcp, {
      mac: o.mac, xid: o.xid, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', arch: 0, timeScale: o.timeScale, giaddr: o.giaddr,
    }), (l) => ({ retries: l.retries }));
    t.ip = rom.ip;
    if (o.dhcpOnly) {
      t.ok = true;
      t.end = o.now();
      return t;
    }
    const file = o.tftpFile ?? rom.bootFile;
    if (!file) throw new Error(`no boot file in the ROM's ACK`);
    await stage('tftp', () => tftpGet({ server: rom.nextServer, localAddress: rom.ip, file, blksize: o.tftpBlksize ?? 1468, timeoutMs: o.tftpTimeoutMs }),
      (r) => ({ retries: r.retries, bytes: r.bytes }));
    const ipxe: DhcpLease = await stage('dhcp-ipxe', () => runDora(o.dhcp, {
      mac: o.mac, xid: (o.xid + 2) >>> 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', arch: 0, userClass: 'iPXE', timeScale: o.timeScale, giaddr: o.giaddr,
    }), (l) => ({ retries: l.retries }));
    if (!/^https?:\/\//.test(ipxe.bootFile)) throw new Error(`iPXE was given ${JSON.stringify(ipxe.bootFile)}, not a script URL`);
    const script = await stage('http-script', () => httpGet(ipxe.bootFile, { localAddress: ipxe.ip, keepBody: true, timeoutMs: o.httpTimeoutMs }), (r) => ({ bytes: r.bytes }));
    if (script.status !== 200) throw new Error(`boot script: HTTP ${script.status}`);
    const fetches = ipxeScriptFetches(script.body ?? '');
    if (!fetches.some((f) => f.kind === 'kernel')) throw new Error(`boot script has no kernel line: ${JSON.stringify((script.body ?? '').slice(0, 200))}`);
    for (const f of fetches) {
      const name: StageName = f.kind === 'kernel' ? 'http-kernel' : 'http-initrd';
      const r = await stage(name, () => httpDownload(f.url, { localAddress: ipxe.ip, timeoutMs: o.httpTimeoutMs }), (x) => ({ bytes: x.bytes }));
      if (r.status !== 200) throw new Error(`${f.url}: HTTP ${r.status}`);
    }
    t.ok = true;
  } catch (err) {
    const reason = err instanceof DhcpClientError || err instanceof TftpClientError || err instanceof Error ? err.message : String(err);
    t.failed = { stage: current, reason };
  }
  t.end = o.now();
  return t;
}
