// /api/v1/install/<token>/…: what installers and the install agent call, authorised by the per-node token alone.
// busybox wget is the client: GET and POST both work, bodies may be text/plain or form-encoded, answers are text/plain.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.ts';
import { TokenRefused, type InstallCallbackService } from '../../domain/provisioning/install-callback-service.ts';
import type { TemplateService } from '../../domain/provisioning/template-service.ts';

/** Log bodies are bounded: a runaway installer cannot flood the event log. */
export const INSTALL_BODY_LIMIT = 256 * 1024;

type Req = FastifyRequest<{ Params: { token: string; name?: string }; Querystring: Record<string, string | undefined>; Body: unknown }>;

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
const bodyText = (b: unknown) => (typeof b === 'string' ? b : b === undefined || b === null ? '' : Buffer.isBuffer(b) ? b.toString('utf8') : JSON.stringify(b));
const text = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(body);

/** A form body from `wget --post-data="reason=…"` gives the value; any other text is taken as is. */
function formValue(body: string, key: string): string | undefined {
  if (!new RegExp(`^${key}=`).test(body)) return undefined;
  return new URLSearchParams(body).get(key) ?? undefined;
}

export function installCallbackRoutes(app: FastifyInstance, install: InstallCallbackService, templates: TemplateService): void {
  // Scoped to this plugin: any content type arrives as a string (wget sends form-encoded, curl may send anything).
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: INSTALL_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err, req, reply) => {
      if (err instanceof TokenRefused) return text(reply, err.status, err.status === 404 ? 'stage0: unknown install token\n' : `stage0: install token refused: ${err.reason}\n`);
      if (err instanceof DomainError) return text(reply, err.kind === 'not-found' ? 404 : 422, `stage0: ${err.message}\n`);
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) req.log.error({ err }, 'install callback failed');
      return text(reply, status, status >= 500 ? 'stage0: internal error\n' : `stage0: ${(err as Error).message}\n`);
    });

    const route = (path: string, handler: (req: Req, reply: FastifyReply) => Promise<unknown>) =>
      scope.route({ method: ['GET', 'POST'], url: `/install/:token${path}`, config: { public: 'boot' }, bodyLimit: INSTALL_BODY_LIMIT, handler: handler as never });

    route('/config', async (req, reply) => {
      const c = await install.config(req.params.token, req.ip);
      if (/application\/json/.test(req.headers.accept ?? '')) return reply.header('cache-control', 'no-store').send(c);
      return text(reply, 200, Object.entries(c).map(([k, v]) => `${k}=${shellQuote(v)}`).join('\n') + '\n');
    });
    route('/started', async (req, reply) => {
      await install.started(req.params.token, req.ip);
      return text(reply, 200, 'ok\n');
    });
    route('/log', async (req, reply) => {
      const body = bodyText(req.body);
      const lines = req.query.line !== undefined ? req.query.line : (formValue(body, 'line') ?? body);
      const n = await install.log(req.params.token, lines, req.ip);
      return text(reply, 200, `ok ${n}\n`);
    });
    route('/done', async (req, reply) => {
      const { upToken } = await install.done(req.params.token, req.ip);
      return text(reply, 200, `UP_URL=${shellQuote(`${install.server}/api/v1/install/${upToken}/up`)}\n`);
    });
    route('/failed', async (req, reply) => {
      const body = bodyText(req.body);
      await install.failed(req.params.token, req.query.reason ?? formValue(body, 'reason') ?? body, req.ip);
      return text(reply, 200, 'ok\n');
    });
    route('/up', async (req, reply) => {
      await install.up(req.params.token, req.ip);
      return text(reply, 200, 'ok\n');
    });
    const template = async (req: Req, reply: FastifyReply, name: string | undefined) => {
      const node = await install.nodeOf(req.params.token, req.ip, 'template');
      const { text: out } = await templates.render(node, name || undefined, req.params.token);
      return text(reply, 200, out);
    };
    route('/template', (req, reply) => template(req, reply, undefined));
    route('/template/*', (req, reply) => template(req, reply, (req.params as { '*'?: string })['*']));
  });
}
