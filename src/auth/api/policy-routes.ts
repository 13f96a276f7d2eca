// /api/v1/policy: the policy table (list, add a row, remove a row); changes apply to the next request.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { problemResponses } from '../../api/schemas.ts';
import type { AuthStore, NewPolicyRow } from '../auth-store.ts';
import type { RangeResolver } from '../policy.ts';
import { auditChange } from './request-auth.ts';

const Any = Type.Object({}, { additionalProperties: true });
const Row = Type.Object(
  {
    priority: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    subject: Type.String({ pattern: '^(\\*|(user|group|role):[A-Za-z0-9][A-Za-z0-9._@-]{0,63})$', description: 'user:<name> | group:<name> | role:<name> | *' }),
    commands: Type.Array(Type.String({ pattern: '^[a-z*][a-z0-9.*_-]{0,63}$' }), { minItems: 1, maxItems: 128 }),
    noderange: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Null()])),
    effect: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
    comment: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export function policyRoutes(app: FastifyInstance, store: AuthStore, resolve: RangeResolver): void {
  app.get('/policy', { config: { command: 'policy.read' }, schema: { summary: 'The policy table, by priority', tags: ['auth'], response: { 200: Any, ...problemResponses } } }, async () => ({
    items: await store.policy.list(),
  }));

  app.post<{ Body: Omit<NewPolicyRow, 'noderange' | 'comment'> & { noderange?: string | null; comment?: string | null } }>(
    '/policy',
    { config: { command: 'policy.write' }, schema: { summary: 'Add a policy row', tags: ['auth'], body: Row, response: { 201: Any, ...problemResponses } } },
    async (req, reply) => {
      if (req.body.noderange) await resolve(req.body.noderange); // a malformed noderange is refused now, not at every request
      const row = await store.policy.add({ ...req.body, noderange: req.body.noderange ?? null, comment: req.body.comment ?? null });
      auditChange(req, { after: row });
      return reply.code(201).send(row);
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/policy/:id',
    { config: { command: 'policy.write' }, schema: { summary: 'Remove a policy row', tags: ['auth'], params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 204: Type.Null(), ...problemResponses } } },
    async (req, reply) => {
      const before = (await store.policy.list()).find((r) => r.id === req.params.id);
      await store.policy.remove(req.params.id);
      auditChange(req, { before });
      return reply.code(204).send();
    },
  );
}
