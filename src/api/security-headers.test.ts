// Security headers and body limits per route class, on a real fastify over a real socket.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { applySecurityHeaders, BODY_LIMITS, bodyLimitFor } from './security-headers.ts';

describe('security headers and body limits', () => {
  let app: FastifyInstance;
  let base: string;
  before(async () => {
    app = Fastify({ bodyLimit: 100 * 1024 * 1024 });
    applySecurityHeaders(app);
    const echo = async (req: { body: unknown }) => ({ bytes: JSON.stringify(req.body ?? null).length });
    app.post('/api/v1/nodes', echo);
    app.post('/api/v1/discovery', { config: { public: 'boot' } }, echo);
    app.post('/api/v1/install/:token/log', { config: { public: 'boot' } }, echo);
    app.post('/boot/callback', echo);
    app.post('/api/v1/custom', { bodyLimit: 10 }, echo);
    app.get('/page', async (_req, reply) => reply.header('content-security-policy', "default-src 'self' 'unsafe-inline'").type('text/html').send('<p>x</p>'));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => app.close());

  const post = (p: string, bytes: number) =>
    fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 10)) }) });

  const cases: [string, number, number][] = [
    ['/api/v1/nodes', BODY_LIMITS.api - 100, 200],
    ['/api/v1/nodes', BODY_LIMITS.api + 100, 413],
    ['/api/v1/discovery', BODY_LIMITS.boot - 100, 200],
    ['/api/v1/discovery', BODY_LIMITS.boot + 100, 413],
    ['/api/v1/install/tok/log', BODY_LIMITS.callback - 100, 200],
    ['/api/v1/install/tok/log', BODY_LIMITS.callback + 100, 413],
    ['/boot/callback', BODY_LIMITS.callback + 100, 413],
    ['/api/v1/custom', 100, 413],
  ];
  for (const [p, bytes, status] of cases) {
    it(`POST ${p} with ${bytes} bytes: ${status}`, async () => {
      const r = await post(p, bytes);
      assert.equal(r.status, status);
      await r.arrayBuffer();
    });
  }

  it('classes: boot routes by path or config.public, callbacks by path segment', () => {
    assert.equal(bodyLimitFor({ url: '/api/v1/nodes/:name' }), BODY_LIMITS.api);
    assert.equal(bodyLimitFor({ url: '/boot.ipxe' }), BODY_LIMITS.boot);
    assert.equal(bodyLimitFor({ url: '/api/v1/install/:token/done', config: { public: 'boot' } }), BODY_LIMITS.callback);
    assert.equal(bodyLimitFor({ url: '/api/v1/nodes/:name/events', config: { command: 'x' } }), BODY_LIMITS.api, 'user routes keep the API limit');
  });

  it('headers on answers, errors and 404s; no HSTS on plain HTTP; a route keeps its own CSP', async () => {
    for (const [p, method] of [['/api/v1/nodes', 'POST'], ['/nope', 'GET']] as const) {
      const r = await fetch(`${base}${p}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{bad json' : undefined });
      assert.ok(r.status >= 400, `${p} ${r.status}`);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
      assert.match(r.headers.get('content-security-policy') ?? '', /^default-src 'self'/);
      assert.equal(r.headers.get('strict-transport-security'), null);
    }
    const page = await fetch(`${base}/page`);
    assert.equal(page.headers.get('content-security-policy'), "default-src 'self' 'unsafe-inline'");
  });
});
