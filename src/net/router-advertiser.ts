// Sends IPv6 Router Advertisements (RFC 4861 §6.2) on provisioning interfaces so iPXE's IPv6 autoconfiguration ends
// at once instead of timing out (~13 s per boot, docs/lab.md); advertises only, never changes interface addresses.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { encodeRouterAdvertisement } from '../codec/ndp/router-advertisement.ts';
import { decodeRouterSolicitation } from '../codec/ndp/router-solicitation.ts';
import { NdpDecodeError } from '../codec/ndp/ndp-decode-error.ts';
import { parseSlaacPrefix, ulaPrefixForIpv4 } from '../codec/ndp/ula-prefix.ts';
import { addonPath, loadAddon } from './native-addon.ts';

/** Built by `npm run postinstall` (node-gyp rebuild --directory=native), target stage0_ra. */
export const RA_ADDON_PATH = addonPath('stage0_ra');

export interface NativeIcmp6 {
  icmp6Open(ifname: string, onSolicit?: (src: string, icmp: Buffer) => void): object;
  icmp6Send(handle: object, dst: string, icmp: Uint8Array): void;
  icmp6Close(handle: object): void;
}

export const loadNativeIcmp6 = (path: string = RA_ADDON_PATH): NativeIcmp6 => loadAddon(path, 'ICMPv6');

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RouterAdvertiserOptions {
  interfaces: string[];
  /** Per interface, a configured `<prefix>/64`; otherwise a ULA /64 derived from the interface's IPv4 subnet. */
  prefixes?: Readonly<Record<string, string>>;
  /** Seconds hosts may use stage0 as default router (RFC 4861 §4.2). Default 0: stage0 does not route IPv6. */
  routerLifetime?: number;
  log: Log;
  /** RFC 4861 §6.2.4/§6.2.1 timing; defaults: 3 s for the first 30 s, then random 30-60 s. */
  timing?: { initialIntervalMs: number; initialPeriodMs: number; minIntervalMs: number; maxIntervalMs: number };
  native?: NativeIcmp6;
}

export interface RouterAdvertiser {
  /** Interfaces actually advertising, with their prefix. */
  readonly advertising: ReadonlyMap<string, string>;
  readonly counters: { sent: number; sendErrors: number; solicitations: number; dropped: Record<string, number> };
  close(): void;
}

const ALL_NODES = 'ff02::1';
const MAX_RA_DELAY_MS = 500; // §10 MAX_RA_DELAY_TIME: random delay before answering a solicitation
const MIN_DELAY_BETWEEN_RAS_MS = 3000; // §10 MIN_DELAY_BETWEEN_RAS: multicast RAs at most this often

interface LinkFacts {
  mac?: string;
  ipv4?: { address: string; prefixLength: number };
}

/** MAC and first IPv4 address from iproute2 (os.networkInterfaces() hides interfaces without carrier). */
function linkFacts(ifname: string): LinkFacts {
  const out = execFileSync('ip', ['-j', 'addr', 'show', 'dev', ifname], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [link] = JSON.parse(out || '[]') as { address?: string; addr_info?: { family: string; local: string; prefixlen: number }[] }[];
  const v4 = link?.addr_info?.find((a) => a.family === 'inet');
  return { ...(link?.address && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(link.address) && link.address !== '00:00:00:00:00:00' && { mac: link.address }), ...(v4 && { ipv4: { address: v4.local, prefixLength: v4.prefixlen } }) };
}

function ipv6Disabled(ifname: string): boolean {
  try {
    return readFileSync(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, 'utf8').trim() === '1';
  } catch {
    return true; // no such directory: the kernel has no IPv6 for this interface
  }
}

export function startRouterAdvertiser(opts: RouterAdvertiserOptions): RouterAdvertiser {
  const native = opts.native ?? loadNativeIcmp6();
  const timing = opts.timing ?? { initialIntervalMs: 3000, initialPeriodMs: 30_000, minIntervalMs: 30_000, maxIntervalMs: 60_000 };
  const routerLifetime = opts.routerLifetime ?? 0;
  const counters: RouterAdvertiser['counters'] = { sent: 0, sendErrors: 0, solicitations: 0, dropped: {} };
  const advertising = new Map<string, string>();
  const links: { close(): void }[] = [];
  const started = Date.now();

  const closeAll = (): void => {
    for (const link of links.splice(0)) link.close();
  };
  try {
    for (const ifname of opts.interfaces) startLink(ifname);
  } catch (err) {
    closeAll(); // one interface failing (no such device, no CAP_NET_RAW) leaves nothing half-started
    throw err;
  }
  return { advertising, counters, close: closeAll };

  function startLink(ifname: string): void {
    if (!existsSync(`/sys/class/net/${ifname}`)) throw new Error(`cannot advertise on ${ifname}: no such interface here`);
    if (ipv6Disabled(ifname)) {
      opts.log.warn({ interface: ifname }, 'IPv6 disabled on interface: no router advertisements there');
      return;
    }
    const facts = linkFacts(ifname);
    const configured = opts.prefixes?.[ifname];
    const prefix = configured ? parseSlaacPrefix(configured) : facts.ipv4 && ulaPrefixForIpv4(facts.ipv4.address, facts.ipv4.prefixLength);
    if (!prefix) {
      opts.log.warn({ interface: ifname }, 'no IPv6 prefix configured and no IPv4 subnet to derive one from: no router advertisements there');
      return;
    }
    const ra = (lifetime: number): Uint8Array =>
      encodeRouterAdvertisement({
        curHopLimit: 64,
        managed: false,
        otherConfig: false,
        routerLifetime: lifetime,
        reachableTime: 0,
        retransTimer: 0,
        ...(facts.mac && { sourceLinkLayerAddress: facts.mac }),
        // §4.6.2: L and A set so hosts (iPXE, Linux) form an address by SLAAC (RFC 4862 §5.5.3)
        prefixes: [{ prefix, prefixLength: 64, onLink: true, autonomous: true, validLifetime: 86_400, preferredLifetime: 14_400 }],
      });
    const packet = ra(routerLifetime);
    let timer: NodeJS.Timeout | undefined;
    let due = 0;
    let lastSent = -Infinity;
    let lastError = '';
    const send = (bytes: Uint8Array): void => {
      try {
        native.icmp6Send(handle, ALL_NODES, bytes);
        counters.sent++;
        lastSent = Date.now();
        lastError = '';
      } catch (err) {
        counters.sendErrors++;
        // Until the link is up and its link-local address passed DAD, sends fail; say so once, not every time.
        const message = (err as Error).message;
        if (message !== lastError) opts.log.warn({ interface: ifname, err: message }, 'router advertisement not sent (will retry)');
        lastError = message;
      }
    };
    const schedule = (at: number): void => {
      clearTimeout(timer);
      due = at;
      timer = setTimeout(tick, Math.max(0, at - Date.now()));
    };
    const tick = (): void => {
      send(packet);
      const now = Date.now();
      const interval =
        now - started < timing.initialPeriodMs
          ? timing.initialIntervalMs
          : timing.minIntervalMs + Math.random() * (timing.maxIntervalMs - timing.minIntervalMs);
      schedule(now + interval);
    };
    // §6.2.6: answer a solicitation after a random 0-0.5 s, multicast, no sooner than 3 s after the previous RA,
    // and not at all if the next unsolicited one is due earlier anyway.
    const onSolicit = (src: string, icmp: Buffer): void => {
      try {
        decodeRouterSolicitation(icmp, src);
      } catch (err) {
        if (!(err instanceof NdpDecodeError)) throw err;
        counters.dropped[err.reason] = (counters.dropped[err.reason] ?? 0) + 1;
        return;
      }
      counters.solicitations++;
      const at = Math.max(Date.now() + Math.random() * MAX_RA_DELAY_MS, lastSent + MIN_DELAY_BETWEEN_RAS_MS);
      if (at < due) schedule(at);
    };
    const handle = native.icmp6Open(ifname, onSolicit);
    advertising.set(ifname, prefix);
    schedule(Date.now());
    links.push({
      close() {
        clearTimeout(timer);
        // §6.2.5: an interface that stops advertising says it is no longer a default router
        if (routerLifetime > 0) send(ra(0));
        native.icmp6Close(handle);
      },
    });
    opts.log.info({ interface: ifname, prefix: `${prefix}/64`, routerLifetime }, 'sending IPv6 router advertisements');
  }
}
