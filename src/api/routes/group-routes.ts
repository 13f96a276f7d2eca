// /api/v1/groups: group attributes (membership is each node's ordered group list).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { InventoryService } from '../../domain/services/inventory-service.ts';
import type { AttrValue } from '../../domain/inventory/types.ts';
import { etagOf, expectedVersion } from '../etag.ts';
import { actorOf } from '../actor.ts';
import { auditChange } from '../../auth/api/request-auth.ts';
import { redactBmc } from '../../power/redact-bmc.ts';
import { AttrsPatch, Group, Name, PageQuery, pageOf, problemResponses } from '../schemas.ts';

type AttrsBody = { attrs?: Record<string, AttrValue | null> };

export function groupRoutes(app: FastifyInstance, inventory: InventoryService): void {
  app.get<{ Querystring: { offset?: number; limit?: number } }>(
    '/groups',
    { config: { command: 'group.read' }, schema: { summary: 'List groups that have attributes', tags: ['groups'], querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: pageOf(Group), ...problemResponses } } },
    (req) => inventory.listGroups(req.query),
  );

  app.post<{ Body: AttrsBody & { name: string } }>(
    '/groups',
    {
      config: { command: 'group.write' },
      schema: {
        summary: 'Create a group with attributes',
        tags: ['groups'],
        body: Type.Object({ name: Name, attrs: Type.Optional(AttrsPatch) }, { additionalProperties: false }),
        response: { 201: Group, ...problemResponses },
      },
    },
    async (req, reply) => {
      const g = await inventory.addGroup(req.body.name, req.body.attrs, actorOf(req));
      return reply.code(201).header('etag', etagOf(g.version)).header('location', `/api/v1/groups/${encodeURIComponent(g.name)}`).send(g);
    },
  );

  app.get<{ Params: { name: string } }>(
    '/groups/:name',
    { config: { command: 'group.read' }, schema: { summary: 'One group', tags: ['groups'], params: Type.Object({ name: Name }), response: { 200: Group, ...problemResponses } } },
    async (req, reply) => {
      const g = await inventory.getGroup(req.params.name);
      return reply.header('etag', etagOf(g.version)).send(g);
    },
  );

  app.patch<{ Params: { name: string }; Body: AttrsBody }>(
    '/groups/:name',
    {
      config: { command: 'group.write' },
      schema: {
        summary: 'Change group attributes (If-Match guards against lost updates)',
        tags: ['groups'],
        params: Type.Object({ name: Name }),
        body: Type.Object({ attrs: AttrsPatch }, { additionalProperties: false }),
        response: { 200: Group, ...problemResponses },
      },
    },
    async (req, reply) => {
      const before = await inventory.getGroup(req.params.name);
      const g = await inventory.updateGroup(req.params.name, req.body.attrs ?? {}, actorOf(req), expectedVersion(req));
      auditChange(req, { before: redactBmc(before.attrs), after: redactBmc(g.attrs) });
      return reply.header('etag', etagOf(g.version)).send(g);
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/groups/:name',
    { config: { command: 'group.write' }, schema: { summary: "Remove a group's attributes (nodes keep listing it)", tags: ['groups'], params: Type.Object({ name: Name }), response: { 204: Type.Null(), ...problemResponses } } },
    async (req, reply) => {
      await inventory.removeGroup(req.params.name, actorOf(req), expectedVersion(req));
      return reply.code(204).send();
    },
  );
}
