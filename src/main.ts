// The one place that wires concrete parts together: config → store → services → API and boot listeners.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config-schema.ts';
import { openStore } from './store/open-store.ts';
import { InventoryService } from './domain/services/inventory-service.ts';
import { ApplyService } from './domain/services/apply-service.ts';
import { BatchingEventSink } from './domain/events/batching-event-sink.ts';
import { buildApi } from './api/build-api.ts';
import { VERSION } from './version.ts';

export interface RunningStage0 {
  url: string;
  close(): Promise<void>;
}

export async function startStage0(config: Readonly<Config>, logger: Logger = pino({ level: config.log.level })): Promise<RunningStage0> {
  await mkdir(config.dataDir, { recursive: true });
  const store = await openStore(
    config.store.kind === 'postgres' ? { kind: 'postgres', url: config.store.url! } : { kind: 'sqlite', path: path.join(config.dataDir, 'stage0.db') },
  );
  const events = new BatchingEventSink(store.events, { onError: (err, pending) => logger.error({ err, pending }, 'event log write failed; will retry') });
  const inventory = new InventoryService(store);
  const apply = new ApplyService(store);
  const app = await buildApi({ inventory, apply, events: store.events, version: VERSION }, { loggerInstance: logger });

  const closers: (() => Promise<void>)[] = [];
  await app.listen({ host: config.api.listen, port: config.api.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  const host = config.api.listen.includes(':') ? `[${config.api.listen}]` : config.api.listen === '0.0.0.0' ? '127.0.0.1' : config.api.listen;
  const url = `http://${host}:${port}`;
  logger.info({ url, dataDir: config.dataDir, store: config.store.kind, dhcp: config.dhcp.mode }, 'stage0 started');

  return {
    url,
    async close() {
      for (const close of closers.reverse()) await close();
      await app.close();
      await events.flush();
      await store.close();
    },
  };
}
