// Enforcement in one place: every route's declared access (config.command / noderange / public) is checked here,
// and every change (non-GET) is written to the audit, allowed or refused.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../../api/problem.ts';
import type { AuthStore } from '../auth-store.ts';
import { commandMatches, decide, type RangeResolver } from '../policy.ts';
import { hashSecret } from '../secret-token.ts';
import { authenticate, CSRF_HEADER } from './authenticate.ts';
import { routeAccessOf, type RouteAccess } from './route-access.ts';

export interface AuthHookDeps {
  store: AuthStore;
  /** Noderange → node names; names not in the inventory are kept (creating n05 names n05). */
  resolve: RangeResolver;
  now?: () => Date;
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Installs the hooks on `app` (call before any route is added: onRoute sees only later routes). Returns the route
 * table as it fills, for the route × role test. A route that declared nothing is refused (403) to everyone.
 */
export function installAuthHooks(app: FastifyInstance, deps: AuthHookDeps): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  const now = deps.now ?? (() => new Date());
  app.addHook('onRoute', (opts) => {
    for (const method of [opts.method].flat()) routes.push({ method, url: opts.url, access: routeAccessOf(opts.config) });
  });
  app.decorateRequest('auth', null as never);
  app.decorateRequest('audit', null as never);

  app.addHook('onRequest', async (req, reply) => {
    req.auth = {};
    req.audit = {};
    if (req.routeOptions.url === undefined) return; // no such route: the 404 handler answers
    const access = routeAccessOf(req.routeOptions.config);
    if (!access) throw new HttpProblem(403, `${req.method} ${req.routeOptions.url} declares no access decision (config.command or config.public); refused to everyone`, { deniedBy: 'undeclared' });
    let who;
    try {
      who = await authenticate(req, deps.store, now());
    } catch (err) {
      if (access.public) return; // a stale cookie must not lock anyone out of login or boot
      reply.header('www-authenticate', 'Bearer realm="stage0"');
      throw err;
    }
    if (who) req.auth = { user: who.user, credential: who.credential };
    if (access.public) return;
    if (!who) {
      reply.header('www-authenticate', 'Bearer realm="stage0"');
      throw new HttpProblem(401, 'authentication required: log in with stage0 login, or send Authorization: Bearer <token>', { deniedBy: 'authentication' });
    }
    checkCsrf(req);
    const command = access.command!;
    const scopes = who.credential.scopes;
    if (scopes && !scopes.some((s) => commandMatches(s, command)))
      throw new HttpProblem(403, `token '${who.credential.id}' is limited to ${scopes.join(',')}; it may not run ${command}`, { deniedBy: 'token-scope', command });
    req.auth.rows = await deps.store.policy.list();
  });

  // After the body is parsed, before it is validated: a caller without the right learns nothing from validation
  // errors, and the noderange function sees the raw request (a malformed one names no nodes).
  app.addHook('preValidation', async (req) => {
    const access = routeAccessOf(req.routeOptions.config);
    if (!access?.command || !req.auth.user) return;
    let range: string | undefined;
    try {
      range = access.noderange?.(req);
    } catch {
      range = undefined;
    }
    // Nodes matter to the decision only if some row has a noderange, and to the audit only for changes.
    const rows = req.auth.rows ?? [];
    const wanted = !SAFE.has(req.method) || rows.some((r) => r.noderange !== null);
    const nodes = wanted && typeof range === 'string' && range !== '' ? [...(await deps.resolve(range))] : undefined;
    if (nodes) req.audit.nodes = nodes;
    const d = await decide(rows, req.auth.user, access.command, nodes, deps.resolve);
    if (!d.allowed) throw new HttpProblem(403, d.reason, { deniedBy: 'policy', command: access.command, ...(d.row && { policyRow: d.row.id }), ...(d.outside && { deniedNodes: d.outside }) });
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (SAFE.has(req.method) || req.routeOptions.url === undefined) return payload;
    const access = routeAccessOf(req.routeOptions.config);
    if (access?.public === 'boot') return payload; // firmware traffic: recorded as node events, not as user actions
    await recordAudit(req, reply, access, deps.store);
    return payload;
  });
  return routes;
}

/** A browser session must echo its CSRF token on unsafe methods; another site can make the browser send the cookie, not the header. */
function checkCsrf(req: FastifyRequest): void {
  const c = req.auth.credential;
  if (!c || c.kind !== 'session' || SAFE.has(req.method)) return;
  const header = req.headers[CSRF_HEADER];
  const given = Buffer.from(hashSecret(typeof header === 'string' ? header : ''));
  const expected = Buffer.from(c.csrfHash ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpProblem(403, `a session needs the ${CSRF_HEADER} header it got at login on ${req.method} requests`, { deniedBy: 'csrf' });
}

async function recordAudit(req: FastifyRequest, reply: FastifyReply, access: RouteAccess | undefined, store: AuthStore): Promise<void> {
  try {
    await store.audit.append({
      user: req.auth?.user?.name ?? req.audit?.user ?? 'anonymous',
      command: access?.command ?? (access?.public ? `public:${access.public}` : 'undeclared'),
      route: `${req.method} ${req.routeOptions.url}`,
      nodes: req.audit?.nodes ?? [],
      status: reply.statusCode,
      from: req.ip,
      details: req.audit?.details ?? {},
    });
  } catch (err) {
    // The change itself is done; losing its audit line is logged loudly rather than failing the answer.
    req.log.error({ err }, 'audit write failed');
  }
}
