// Who may call a route: every API route declares a policy command (and how to find the nodes it acts on) or says it is public.
import type { FastifyRequest } from 'fastify';

/**
 * Why a route needs no user credentials:
 * - 'boot': firmware/installer endpoints (authorised by a per-node token, or harmless);
 * - 'login': the endpoints that hand out credentials;
 * - 'health': liveness probes and the API description;
 * - 'ui': the web UI's own code and styles, the same for everyone (every datum it shows comes from the API, with
 *   the user's session, under the policy table).
 */
export type PublicReason = 'boot' | 'login' | 'health' | 'ui';

export interface RouteAccess {
  /** The policy command this route performs, e.g. 'nodels', 'nodech', 'rpower', 'profile.write'. */
  command?: string;
  /**
   * The noderange the request acts on (e.g. from params, query or body), or undefined when it names no nodes.
   * Runs after validation; rights limited to a noderange are checked against the nodes it resolves to.
   */
  noderange?: (req: FastifyRequest) => string | undefined;
  public?: PublicReason;
}

declare module 'fastify' {
  // Declaration merging: makes `config: { command, noderange, public }` type-check on every route.
  interface FastifyContextConfig extends RouteAccess {}
}

/** The access decision a route declared, or undefined when it declared none (the API refuses to start then). */
export function routeAccessOf(config: unknown): RouteAccess | undefined {
  const c = (config ?? {}) as RouteAccess;
  if (typeof c.public === 'string' || typeof c.command === 'string') return c;
  return undefined;
}
