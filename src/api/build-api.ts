// The REST API: fastify with JSON-schema validation on every route, problem+json errors, OpenAPI at /api/v1/openapi.json.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import type { InventoryService } from '../domain/services/inventory-service.ts';
import type { ApplyService } from '../domain/services/apply-service.ts';
import type { EventLog } from '../store/inventory-store.ts';
import { HttpProblem, sendProblem } from './problem.ts';
import { validatorCompiler } from './validators.ts';
import { nodeRoutes } from './routes/node-routes.ts';
import { groupRoutes } from './routes/group-routes.ts';
import { siteRoutes } from './routes/site-routes.ts';
import { eventRoutes } from './routes/event-routes.ts';
import { inventoryDocRoutes } from './routes/inventory-doc-routes.ts';
import { provisioningRoutes, type ProvisioningApiDeps } from './routes/provisioning-routes.ts';
import { installAuth, type ApiAuthDeps } from '../auth/api/install-auth.ts';
import { imageApiRoutes } from '../images/catalog/image-api-routes.ts';
import type { ImageStore } from '../images/catalog/image-store.ts';
import { powerRoutes } from './routes/power-routes.ts';
import { discoveryRoutes } from './routes/discovery-routes.ts';
import { planRoutes } from './routes/plan-routes.ts';
import type { DiscoveryService } from '../domain/discovery/discovery-service.ts';
import type { BulkPowerService } from '../power/bulk-power-service.ts';
import { redactSecretsInJson } from '../power/redact-bmc.ts';
import { applySecurityHeaders } from './security-headers.ts';

export interface ApiDeps {
  inventory: InventoryService;
  apply: ApplyService;
  events: EventLog;
  /** Writes events still waiting in the batching sink (reads of /events see the caller's own events). */
  flushEvents?: () => Promise<void>;
  version: string;
  /** nodeset, boot states, profiles, templates, install callbacks; absent = not offered. */
  provisioning?: ProvisioningApiDeps;
  /** Users, tokens, the policy table and the audit; every route is enforced when given (main always gives it). */
  auth?: ApiAuthDeps;
  /** The disk image catalog (/images); absent = not offered. */
  images?: ImageStore;
  /** Bulk BMC commands (/power/...); absent = not offered. */
  power?: BulkPowerService;
  /** Discovery reports, queue and rules (/discovery...); absent = not offered. */
  discovery?: DiscoveryService;
}

export const API_PREFIX = '/api/v1';

/** Routes outside the API (boot endpoints, web UI) are registered by the caller on the returned instance. */
export async function buildApi(deps: ApiDeps, options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: 8 * 1024 * 1024,
    // Two info lines per request halved throughput (/api/v1/health 11.4k → 27k req/s without them) and a boot storm
    // would flood the log: boot traffic is on the node timelines (events) and changes are in the audit log, so the
    // per-request line is debug-level (below); failures are still logged by the error handler.
    disableRequestLogging: true,
    ...options,
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.log.level === 'debug' || req.log.level === 'trace') req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });
  const auth = deps.auth && installAuth(app, deps.auth); // first: its onRoute hook sees every route added after it
  applySecurityHeaders(app); // before any route: its onRoute hook sets body limits per route class
  app.setValidatorCompiler(validatorCompiler());
  // Response schemas document the API (OpenAPI); plain JSON.stringify serialises it: fast-json-stringify walked
  // free-form attribute maps key by key and took ~250 ms for 10,000 nodes, JSON.stringify ~20 ms. What a route
  // returns is decided (and redacted) by the route itself, never by the serializer dropping fields.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // No answer carries a BMC password, whichever route or cache produced it (sealed or not).
  app.addHook('onSend', async (_req, _reply, payload) => (typeof payload === 'string' ? redactSecretsInJson(payload) : payload));
  app.setErrorHandler((err, req, reply) => sendProblem(reply, req, err));
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, new HttpProblem(404, `no route ${req.method} ${req.url.split('?')[0]}`)));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'stage0 API', version: deps.version, description: 'Inventory, network boot and provisioning controller' },
      tags: ['nodes', 'groups', 'site', 'events', 'inventory', 'power', 'plan', 'meta'].map((name) => ({ name })),
    },
  });

  await app.register(
    async (api) => {
      api.get('/health', { config: { public: 'health' }, schema: { summary: 'Liveness', tags: ['meta'] } }, async () => ({ status: 'ok', version: deps.version }));
      api.get('/openapi.json', { config: { public: 'health' }, schema: { hide: true } }, async () => app.swagger());
      nodeRoutes(api, deps.inventory);
      groupRoutes(api, deps.inventory);
      siteRoutes(api, deps.inventory);
      eventRoutes(api, deps.inventory, deps.events, deps.flushEvents);
      inventoryDocRoutes(api, deps.apply);
      if (deps.provisioning) provisioningRoutes(api, deps.provisioning);
      auth?.register(api);
      if (deps.images) await imageApiRoutes(api, { images: deps.images, events: deps.events });
      if (deps.power) powerRoutes(api, deps.power);
      if (deps.discovery) discoveryRoutes(api, deps.discovery);
      if (deps.discovery) planRoutes(api, { resolve: (range) => deps.inventory.resolve(range), discovery: deps.discovery });
    },
    { prefix: API_PREFIX },
  );
  return app;
}
