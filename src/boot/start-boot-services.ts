// Wiring for the network boot services: DHCP (per configured interface) and TFTP, fed by the inventory and the boot plan.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.ts';
import type { EventSink } from '../domain/events/event-sink.ts';
import type { InventoryService } from '../domain/services/inventory-service.ts';
import type { LeaseStore } from './dhcp/lease-store.ts';
import type { DhcpServiceConfig } from './dhcp/dhcp-config.ts';
import { warmDhcpPath } from './dhcp/dhcp-warmup.ts';
import { DhcpService } from './dhcp/dhcp-service.ts';
import { DhcpListener } from '../net/dhcp-listener.ts';
import { startTftpServer } from '../net/tftp-listener.ts';
import { bootProgramProblems } from './boot-programs-check.ts';
import { directoryFileSource } from './tftp/directory-file-source.ts';
import { chainFileSources, generatedFileSource, TftpAccessDenied } from './tftp/tftp-file-source.ts';
import { leaseAddressOf, macIpVerdict } from './http/mac-ip-guard.ts';
import { interfaceIpv4 } from '../net/interface-address.ts';
import { macFromConfigPath, renderGrubConfig, renderPxelinuxConfig } from './configs/boot-config-files.ts';
import { attributeDecider, type BootDecider } from './http/boot-plan.ts';
import type { BootSettings } from './boot-settings.ts';
import type { BootNodeLookup } from './http/boot-http-routes.ts';
import type { IpMacTable } from '../net/ip-mac-table.ts';
import { startRouterAdvertiser } from '../net/router-advertiser.ts';
import { perTurn } from '../lib/per-turn.ts';

export interface BootServiceDeps {
  config: Readonly<Config>;
  /** Shared with the HTTP boot routes (see bootSettings), so scripts and TFTP configs follow one plan. */
  boot: BootSettings;
  inventory: InventoryService;
  nodes: BootNodeLookup;
  /** The boot decision shared with the HTTP boot routes; without one, the attribute path. */
  decider?: BootDecider;
  leases: LeaseStore;
  /** Learns IP → MAC from DHCP ACKs (see IpMacTable.tap) so TFTP transfers land on the node's timeline. */
  ipMac: IpMacTable;
  events: EventSink;
  logger: Logger;
}

export interface RunningBootServices {
  close(): Promise<void>;
}

export function dhcpServiceConfig(config: Readonly<Config>, addressOf: (itf: string) => string = interfaceIpv4): DhcpServiceConfig {
  const interfaces = config.dhcp.interfaces.map((name) => ({ name, serverAddress: addressOf(name) }));
  const tftpServer = config.tftp.listen !== '0.0.0.0' ? config.tftp.listen : interfaces[0]?.serverAddress ?? '0.0.0.0';
  const u = config.dhcp.unknownRate;
  return {
    mode: config.dhcp.mode,
    interfaces,
    subnets: config.dhcp.subnets.map((s) => ({
      cidr: s.cidr,
      pools: s.pool.map((r) => ({ start: r.start, end: r.end })),
      ...(s.router && { router: s.router }),
      ...(s.dns && { dns: [...s.dns] }),
      ...(s.domain && { domain: s.domain }),
      leaseSeconds: s.leaseSeconds,
      ...(s.interface && { interface: s.interface }),
    })),
    boot: { tftpServer, httpBase: config.boot.httpBase ?? '' },
    ports: { server: config.dhcp.port },
    unknownOffers: { ...config.dhcp.unknownOffers },
    rateLimit: { burst: u.perMacBurst, perSecond: u.perMacPerSecond, totalBurst: u.totalBurst, totalPerSecond: u.totalPerSecond },
  };
}

export async function startBootServices(d: BootServiceDeps): Promise<RunningBootServices> {
  const { config, logger, events } = d;
  const closers: (() => Promise<void>)[] = [];
  const { httpBase, fallback } = d.boot;
  const decider = d.decider ?? attributeDecider(d.nodes, fallback);
  try {
    if (config.dhcp.mode !== 'off') {
      // A packet's reservation lookup and reserved-address check (and those of every packet of the same burst) read
      // one inventory snapshot: one generation query per loop turn instead of one per lookup (bench/RESULTS.md,
      // session 7: four per DORA were a fifth of the server's time with leases in memory).
      const inventoryView = perTurn(() => d.inventory.bootView());
      const service = new DhcpService({
        config: dhcpServiceConfig(config),
        leases: d.leases,
        events: d.ipMac.tap(events),
        log: logger.child({ svc: 'dhcp' }),
        reservations: {
          byMac: async (mac) => {
            const n = (await inventoryView()).nodeByMac(mac);
            if (!n) return undefined;
            const ip = n.effective?.ip;
            const hostname = n.effective?.hostname;
            return { node: n.name, ...(typeof ip === 'string' && { ip }), hostname: typeof hostname === 'string' ? hostname : n.name };
          },
          reservedIps: async () => (await inventoryView()).reservedIps,
        },
      });
      if (config.dhcp.warmupMs > 0) {
        const w = await warmDhcpPath(config.dhcp.warmupMs);
        logger.info({ svc: 'dhcp', exchanges: w.exchanges, ms: Math.round(w.ms) }, 'DHCP packet path warmed up on synthetic clients');
      }
      const listener = new DhcpListener({ service, receiveBufferBytes: config.dhcp.receiveBufferBytes, log: logger.child({ svc: 'dhcp' }) });
      await listener.start();
      closers.push(async () => {
        await listener.stop();
        // What was dropped and why, once, at the end: the operator's first question after a storm.
        const c = service.counters.snapshot();
        const dropped = Object.entries(c).filter(([k]) => k.startsWith('dropped.')).reduce((n, [, v]) => n + v, 0);
        (dropped > 0 ? logger.warn.bind(logger) : logger.info.bind(logger))({ counters: c }, `DHCP stopped: ${c.received ?? 0} requests received, ${dropped} dropped`);
      });
      logger.info({ mode: config.dhcp.mode, interfaces: config.dhcp.interfaces }, 'DHCP listening');
      for (const problem of await bootProgramProblems(config.boot.ipxeDir)) logger.warn(`boot program unavailable, machines that need it will not boot: ${problem}`);
    }
    if (config.ipv6RouterAdvertisements && config.dhcp.interfaces.length > 0) {
      // Without an RA on the link iPXE waits ~13 s for IPv6 autoconfiguration on every boot (docs/lab.md).
      const ra = startRouterAdvertiser({ interfaces: [...config.dhcp.interfaces], log: logger.child({ svc: 'ra' }) });
      closers.push(async () => ra.close());
    }
    if (config.tftp.enabled) {
      // A generated config carries the node's install token: like /boot.ipxe, only for the address that MAC holds (when known).
      const facts = { macOf: (ip: string) => d.ipMac.macOf(ip), ipOf: leaseAddressOf(d.leases, config.dhcp.subnets.map((s) => s.cidr)) };
      const generated = generatedFileSource(async (file, client) => {
        const wanted = macFromConfigPath(file);
        if (!wanted) return undefined;
        const verdict = await macIpVerdict(facts, client.address, wanted.mac);
        if (!verdict.ok) throw new TftpAccessDenied(`${verdict.reason} (${verdict.detail})`);
        return decider.decide(wanted.mac, wanted.loader).then(({ plan }) => {
          return wanted.loader === 'pxelinux' ? renderPxelinuxConfig(plan, httpBase, wanted.mac) : renderGrubConfig(plan, httpBase, wanted.mac);
        });
      });
      const dirs = [config.boot.ipxeDir, ...(config.boot.assetsDir ? [config.boot.assetsDir] : [])].map((dir) => directoryFileSource(path.resolve(dir), { log: logger.child({ svc: 'tftp' }) }));
      const server = await startTftpServer({
        address: config.tftp.listen,
        port: config.tftp.port,
        source: chainFileSources(generated, ...dirs),
        maxBlksize: config.tftp.maxBlksize,
        log: logger.child({ svc: 'tftp' }),
        clientMac: (ip: string) => d.ipMac.macOf(ip),
        onTransfer: (e) => {
          const mac = e.client.mac;
          void (mac ? d.nodes.byMac(mac) : Promise.resolve(undefined)).then((n) =>
            events.emit({ actor: 'boot', node: n?.name ?? null, kind: 'tftp.transfer', details: { path: e.path, outcome: e.outcome, bytes: e.bytes, ms: e.ms, client: e.client.address, mac, reason: e.reason } }),
          );
        },
      });
      closers.push(() => server.close());
      logger.info({ address: config.tftp.listen, port: server.port, nativePump: server.nativePump }, 'TFTP listening');
      if (!server.nativePump) logger.warn('TFTP: native pump not built, every transfer runs in JavaScript (slower lock-step); build it with: npm run postinstall');
    }
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }
  return {
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
