// The one entry point build-api calls: hooks on the whole app, then the auth routes under the API prefix.
import type { FastifyInstance } from 'fastify';
import type { AuthStore } from '../auth-store.ts';
import { LoginLimiter } from '../login-limiter.ts';
import type { RangeResolver } from '../policy.ts';
import { auditRoutes } from './audit-routes.ts';
import { installAuthHooks, type DeclaredRoute } from './auth-hooks.ts';
import { authRoutes } from './auth-routes.ts';
import { policyRoutes } from './policy-routes.ts';
import { tokenRoutes } from './token-routes.ts';
import { userRoutes } from './user-routes.ts';

export interface ApiAuthDeps {
  store: AuthStore;
  resolve: RangeResolver;
  now?: () => Date;
  /** Failed logins allowed per user and source address per minute (default 5). */
  maxFailedLogins?: number;
}

/** Call on the root instance before any route is registered; returns the route table (filled as routes are added). */
export function installAuth(app: FastifyInstance, deps: ApiAuthDeps): { routes: DeclaredRoute[]; register(api: FastifyInstance): void } {
  const now = deps.now ?? (() => new Date());
  const routes = installAuthHooks(app, { store: deps.store, resolve: deps.resolve, now });
  const limiter = new LoginLimiter(deps.store.loginFailures, { max: deps.maxFailedLogins ?? 5, now: () => now().getTime() });
  return {
    routes,
    register(api) {
      authRoutes(api, { store: deps.store, limiter, now });
      userRoutes(api, deps.store);
      tokenRoutes(api, deps.store, now, deps.resolve);
      policyRoutes(api, deps.store, deps.resolve);
      auditRoutes(api, deps.store);
      // The route table with each route's declared access: what policy rows can name (and what the route x role test walks).
      api.get('/auth/routes', { config: { command: 'policy.read' }, schema: { summary: 'Every route with its policy command, or why it is public', tags: ['auth'] } }, async () => ({
        items: routes.filter((r) => r.method !== 'HEAD').map((r) => ({ method: r.method, url: r.url, command: r.access?.command ?? null, public: r.access?.public ?? null, nodeScoped: r.access?.noderange !== undefined })),
      }));
    },
  };
}
