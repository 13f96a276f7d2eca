// Headers a browser expects from an API/UI (CSP, no sniffing, no framing, no referrer, HSTS over TLS) and body limits per route class.
import type { FastifyInstance, RouteOptions } from 'fastify';

/** One year; browsers only honour HSTS received over HTTPS, and we only send it there. */
const HSTS = 'max-age=31536000';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
});

/** Body limits by route class; a route that sets its own bodyLimit keeps it. */
export const BODY_LIMITS = Object.freeze({
  /** API JSON (inventory documents of 10,000 nodes fit). */
  api: 8 * 1024 * 1024,
  /** Firmware/installer endpoints (config.public 'boot'): discovery inventories, install reports. */
  boot: 1024 * 1024,
  /** Log lines and status callbacks from installers: small by nature, and sent by unauthenticated machines. */
  callback: 64 * 1024,
});

const CALLBACK_URL = /(^|\/)(log|logs|callback|status|done|event|events)(\/|$)/;

/** The body limit for a route, from its class; exported for tests and for listeners that build their own routes. */
export function bodyLimitFor(route: Pick<RouteOptions, 'url' | 'config'>): number {
  const publicBoot = (route.config as { public?: unknown } | undefined)?.public === 'boot' || route.url.startsWith('/boot');
  if (!publicBoot) return BODY_LIMITS.api;
  return CALLBACK_URL.test(route.url) ? BODY_LIMITS.callback : BODY_LIMITS.boot;
}

/**
 * Call before any route is added: the onRoute hook sees every later route. Response headers are added in onSend,
 * so they are on errors and 404s too; a route that sets one of them itself (a page with its own CSP) keeps its own.
 */
export function applySecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= bodyLimitFor(route);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) void reply.header(name, value);
    // Only over TLS: HSTS on a plain answer is ignored by browsers, and the boot listener must stay plain.
    if ((req.raw.socket as { encrypted?: boolean } | null)?.encrypted && !reply.hasHeader('strict-transport-security')) void reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
