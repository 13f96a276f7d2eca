// Serves the web UI at /ui/ (and sends / there). The UI is a thin shell over the API: it holds no data of its own,
// so its files are public; everything it shows is fetched from /api/v1 with the user's session cookie.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../api/problem.ts';
import { buildUiBundle, type UiAsset, type UiBundle } from './ui-bundle.ts';

export function uiRoutes(app: FastifyInstance, bundle: () => Promise<UiBundle> = memo(buildUiBundle)): void {
  const config = { public: 'ui' as const };
  const schema = { hide: true };
  app.get('/', { config, schema }, async (_req, reply) => reply.redirect('/ui/', 302));
  app.get('/ui', { config, schema }, async (_req, reply) => reply.redirect('/ui/', 301));
  app.get('/ui/', { config, schema }, async (req, reply) => send(req, reply, (await bundle()).page));
  app.get<{ Params: { file: string } }>('/ui/:file', { config, schema }, async (req, reply) => {
    const a = (await bundle()).assets.get(req.params.file);
    if (!a) throw new HttpProblem(404, `no UI file ${req.params.file}`);
    return send(req, reply, a);
  });
}

function send(req: FastifyRequest, reply: FastifyReply, a: UiAsset): FastifyReply {
  reply.header('etag', a.etag).header('cache-control', a.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
  return reply.type(a.type).send(a.body);
}

/** Built on first use, once; a failed build is retried on the next request rather than remembered. */
function memo(make: () => Promise<UiBundle>): () => Promise<UiBundle> {
  let p: Promise<UiBundle> | undefined;
  return () => (p ??= make().catch((e: unknown) => {
    p = undefined;
    throw e;
  }));
}
