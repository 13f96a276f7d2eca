// /api/v1/tokens: API tokens for scripts: scoped to commands, expiring, revocable; the secret is shown once.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../../api/problem.ts';
import { problemResponses } from '../../api/schemas.ts';
import type { AuthStore, Credential } from '../auth-store.ts';
import { decide, type RangeResolver } from '../policy.ts';
import { newSecret, newTokenId } from '../secret-token.ts';
import { auditChange } from './request-auth.ts';

const Any = Type.Object({}, { additionalProperties: true });
const publicToken = (c: Credential) => ({ id: c.id, user: c.user, name: c.name, scopes: c.scopes, createdAt: c.createdAt, expiresAt: c.expiresAt, revokedAt: c.revokedAt, lastUsedAt: c.lastUsedAt });

export function tokenRoutes(app: FastifyInstance, store: AuthStore, now: () => Date, resolve: RangeResolver): void {
  /** Other users' tokens need the token.admin command on top of auth.self. */
  const mayAdminister = async (req: FastifyRequest) => (await decide(req.auth.rows ?? [], req.auth.user!, 'token.admin', undefined, resolve)).allowed;

  app.get<{ Querystring: { all?: boolean } }>(
    '/tokens',
    { config: { command: 'auth.self' }, schema: { summary: 'My API tokens (all=true: everyone\'s, needs token.admin)', tags: ['auth'], querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), response: { 200: Any, ...problemResponses } } },
    async (req) => {
      if (req.query.all && !(await mayAdminister(req))) throw new HttpProblem(403, 'listing every user\'s tokens needs token.admin');
      return { items: (await store.credentials.list(req.query.all ? {} : { user: req.auth.user!.name })).map(publicToken) };
    },
  );

  app.post<{ Body: { name: string; scopes?: string[]; expiresInDays?: number } }>(
    '/tokens',
    {
      config: { command: 'auth.self' },
      schema: {
        summary: 'Create an API token for myself; the secret is in this answer only',
        tags: ['auth'],
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z*][a-z0-9.*_-]{0,63}$' }), { minItems: 1, maxItems: 64, description: 'commands (globs allowed) the token may run; the user\'s policy still applies' })),
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, default: 90 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Any, ...problemResponses },
      },
    },
    async (req, reply) => {
      const secret = newSecret('s0t');
      const expiresAt = new Date(now().getTime() + (req.body.expiresInDays ?? 90) * 86_400_000).toISOString();
      const c = await store.credentials.create({ id: newTokenId(), kind: 'token', user: req.auth.user!.name, name: req.body.name, hash: secret.hash, scopes: req.body.scopes ?? null, csrfHash: null, expiresAt });
      auditChange(req, { after: publicToken(c) });
      return reply.code(201).send({ ...publicToken(c), token: secret.secret });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/tokens/:id',
    { config: { command: 'auth.self' }, schema: { summary: 'Revoke a token (mine, or anyone\'s with token.admin)', tags: ['auth'], params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{1,32}$' }) }), response: { 204: Type.Null(), ...problemResponses } } },
    async (req, reply) => {
      const c = await store.credentials.get(req.params.id);
      const mine = c?.user === req.auth.user!.name;
      // Someone else's token reads as unknown unless you may administer tokens: ids are not confirmed to strangers.
      if (!c || (!mine && !(await mayAdminister(req)))) throw new HttpProblem(404, `token '${req.params.id}' not found`);
      await store.credentials.revoke(c.id, now().toISOString());
      auditChange(req, { before: publicToken(c) });
      return reply.code(204).send();
    },
  );
}
