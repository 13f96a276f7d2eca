// The one place that wires concrete parts together: config → store → services → API and boot listeners.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config-schema.ts';
import { openStores } from './store/open-store.ts';
import { InventoryService } from './domain/services/inventory-service.ts';
import { ApplyService } from './domain/services/apply-service.ts';
import { BatchingEventSink } from './domain/events/batching-event-sink.ts';
import { buildApi } from './api/build-api.ts';
import { ensureInitialAdmin } from './auth/bootstrap-admin.ts';
import { bootHttpRoutes } from './boot/http/boot-http-routes.ts';
import { ImageStore } from './images/catalog/image-store.ts';
import { imageBootRoutes } from './images/catalog/image-boot-routes.ts';
import { startBootServices } from './boot/start-boot-services.ts';
import { bootSettings } from './boot/boot-settings.ts';
import { DiscoveryService } from './domain/discovery/discovery-service.ts';
import { pendingInstallFrom } from './domain/discovery/pending-install.ts';
import { IpMacTable } from './net/ip-mac-table.ts';
import { resolveApiTls } from './api/tls/api-tls.ts';
import { bootGate } from './boot/http/boot-listener.ts';
import { bootListenerAddress } from './boot/http/boot-listener-address.ts';
import { leaseAddressOf, macIpGuard } from './boot/http/mac-ip-guard.ts';
import { bootScriptAnswerer } from './boot/http/boot-script-answer.ts';
import { bootScriptFastPath } from './boot/http/boot-script-fast-path.ts';
import { CachedBootDecider } from './boot/http/cached-boot-decider.ts';
import { VERSION } from './version.ts';
import { createProvisioning, provisioningSettings } from './domain/provisioning/provisioning-services.ts';
import { directoryTemplates, SHIPPED_TEMPLATES_DIR } from './domain/provisioning/template-source.ts';
import { planBoot } from './boot/http/boot-plan.ts';
import { createSecretBox, loadSecretKey } from './power/secret-box.ts';
import { createAttrSecrets } from './power/seal-secret-attrs.ts';
import { BulkPowerService, nodeSetterOf } from './power/bulk-power-service.ts';
import { defaultPowerDrivers } from './power/power-drivers.ts';
import { BMC_LOG_REDACT_PATHS, REDACTED } from './power/redact-bmc.ts';
import { uiRoutes } from './ui/ui-routes.ts';

export interface RunningStage0 {
  url: string;
  /** Plain-HTTP boot listener (firmware), when it runs (docs/tls.md). */
  bootUrl?: string;
  /** SHA-256 fingerprint of the API certificate, when TLS is on. */
  tlsFingerprint?: string;
  close(): Promise<void>;
}

export async function startStage0(config: Readonly<Config>, logger: Logger = pino({ level: config.log.level, redact: { paths: [...BMC_LOG_REDACT_PATHS], censor: REDACTED } })): Promise<RunningStage0> {
  await mkdir(config.dataDir, { recursive: true });
  const { inventory: store, provisioning: provisioningStore, leases, auth: authStore, discovery: discoveryStore } = await openStores(
    config.store.kind === 'postgres' ? { kind: 'postgres', url: config.store.url! } : {
      kind: 'sqlite', path: path.join(config.dataDir, 'stage0.db'), exclusive: config.store.exclusive, ownLeases: true,
      onLeaseFoldError: (err) => logger.warn({ err }, 'DHCP lease log could not be folded into the leases table; the log keeps every change; tried again in 10 s'),
    },
  );
  const closers: (() => Promise<void>)[] = [];
  const events = new BatchingEventSink(store.events, { onError: (err, pending) => logger.error({ err, pending }, 'event log write failed; will retry') });
  try {
    // BMC passwords: sealed on every write with a key kept outside the database, opened only for a driver call.
    const box = createSecretBox(loadSecretKey({ dataDir: config.dataDir, env: process.env }));
    const secrets = createAttrSecrets(box);
    const images = new ImageStore(config.dataDir);
    const inventory = new InventoryService(store, secrets);
    // Discovery reports create and refresh nodes through the inventory service (its checks, its node.* events).
    const discovery = new DiscoveryService({ store: discoveryStore, inventory, nodeNames: async () => new Set((await store.nodes.all()).map((n) => n.name)), events: store.events, pendingInstall: pendingInstallFrom(provisioningStore.bootStates) });
    const apply = new ApplyService(store, secrets);
    const nodes = { byMac: (mac: string) => inventory.nodeByMac(mac).then((n) => n && { name: n.name, effective: n.effective ?? {} }) };
    const templateDirs = [...(config.provisioning.templatesDir ? [path.resolve(config.provisioning.templatesDir)] : []), SHIPPED_TEMPLATES_DIR];
    const provisioning = createProvisioning({ store: provisioningStore, inventory, images, templates: directoryTemplates(templateDirs), settings: provisioningSettings(config.provisioning, bootSettings(config)) }, planBoot);
    const power = new BulkPowerService({ nodes: inventory, drivers: defaultPowerDrivers(), box, events, nodeset: nodeSetterOf(provisioning.nodeset), ...config.power });
    const tls = await resolveApiTls(config);
    const app = await buildApi({ inventory, apply, events: store.events, flushEvents: () => events.flush(), version: VERSION, provisioning: { ...provisioning, templateSource: directoryTemplates(templateDirs) }, images, auth: { store: authStore, resolve: (range) => inventory.resolveLenient(range) }, power, discovery }, { loggerInstance: logger, ...(tls && { https: { key: tls.key, cert: tls.cert } }) });
    const gate = bootGate(app); // before routes are ready: confines the plain boot listener to boot endpoints
    const { httpBase, fallback } = bootSettings(config);
    const ipMac = new IpMacTable();
    bootHttpRoutes(app, {
      httpBase,
      ...(config.boot.assetsDir && { assetsDir: path.resolve(config.boot.assetsDir) }),
      ipxeDir: config.boot.ipxeDir,
      macOf: (ip) => ipMac.macOf(ip),
      ...(fallback && { fallback }),
      nodes,
      decider: provisioning.decider,
      events,
    });
    imageBootRoutes(app, { images, events });
    uiRoutes(app); // the web UI at /ui/ (a shell over the API above)
    await ensureInitialAdmin(authStore, config.dataDir, logger);
    // The iPXE script carries the node's install token: only the address that MAC holds (when known) gets it.
    const macIpFacts = { macOf: (ip: string) => ipMac.macOf(ip), ipOf: leaseAddressOf(leases, config.dhcp.subnets.map((s) => s.cidr)) };
    macIpGuard(app, macIpFacts, events);
    await app.listen({ host: config.api.listen, port: config.api.port });
    closers.push(() => app.close());
    const bootAt = bootListenerAddress(config);
    // The boot listener answers GET /boot.ipxe without fastify (same function, guard included): firmware load.
    // Decisions that write nothing are reused while the generation and the node's boot state are unchanged.
    const cachedDecider = new CachedBootDecider(provisioning.decider, { generation: () => inventory.generation(), nodeByMac: (mac) => inventory.nodeByMac(mac), bootStates: (names) => provisioningStore.bootStates.list(names),
      ...(provisioningStore.bootStates.withGeneration && { generationAndStates: (names: readonly string[]) => provisioningStore.bootStates.withGeneration!(names) }) });
    const bootScript = bootScriptFastPath(bootScriptAnswerer({ httpBase, decider: cachedDecider, events, guard: macIpFacts }), (err) => logger.error({ err }, 'request failed'));
    const bootListener = bootAt && (await gate.listen(bootAt.listen, bootAt.port, bootScript));
    if (bootListener) closers.push(() => bootListener.close());
    const boot = await startBootServices({ config, boot: { httpBase, fallback }, inventory, nodes, decider: provisioning.decider, leases, ipMac, events, logger });
    closers.push(() => boot.close());
    const sweeper = provisioning.install.startSweeper(config.provisioning.sweepIntervalMs, (err) => logger.error({ err }, 'provisioning sweep failed'));
    closers.push(async () => sweeper.stop());

    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.api.port;
    const host = config.api.listen.includes(':') ? `[${config.api.listen}]` : config.api.listen === '0.0.0.0' ? '127.0.0.1' : config.api.listen;
    const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    if (tls) logger.info({ certFile: tls.certFile, fingerprint256: tls.fingerprint256, source: tls.source }, `API TLS certificate SHA-256 ${tls.fingerprint256}`);
    if (tls?.warning) logger.warn(tls.warning);
    logger.info({ url, bootUrl: bootListener?.url, dataDir: config.dataDir, store: config.store.kind, dhcp: config.dhcp.mode, tftp: config.tftp.enabled }, 'stage0 started');
    return {
      url,
      ...(bootListener && { bootUrl: bootListener.url }),
      ...(tls && { tlsFingerprint: tls.fingerprint256 }),
      async close() {
        for (const close of closers.reverse()) await close();
        await leases.settled?.().catch(() => undefined); // a failed write already failed its caller
        await events.flush();
        await store.close();
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await store.close();
    throw err;
  }
}
