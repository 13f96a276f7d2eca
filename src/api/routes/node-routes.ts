// /api/v1/nodes: the inventory's nodes, single and by noderange.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { InventoryService, NodeFields } from '../../domain/services/inventory-service.ts';
import { etagOf, expectedVersion } from '../etag.ts';
import { actorOf } from '../actor.ts';
import { auditChange } from '../../auth/api/request-auth.ts';
import { redactBmc } from '../../power/redact-bmc.ts';
import { ResponseCache } from '../response-cache.ts';
import { AttrsPatch, Mac, Name, Node, PageQuery, pageOf, problemResponses } from '../schemas.ts';

const Range = Type.String({ minLength: 1, maxLength: 65536, description: 'xCAT noderange, e.g. compute,-n03' });
const NodeFieldsBody = {
  groups: Type.Optional(Type.Array(Name, { maxItems: 256 })),
  bmc: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  attrs: Type.Optional(AttrsPatch),
};
const Items = Type.Object({ items: Type.Array(Node) });

const NODE_FIELDS = ['name', 'macs', 'groups', 'bmc', 'attrs', 'version', 'createdAt', 'updatedAt', 'effective', 'provenance', 'absent'];

/** Sparse fieldsets: a 10,000-node listing of only what the caller reads is smaller to send and to parse. */
function project<T extends { items: object[] }>(page: T, fields: string | undefined): T {
  if (!fields) return page;
  const keep = fields.split(',');
  return { ...page, items: page.items.map((n) => Object.fromEntries(keep.filter((k) => k in n).map((k) => [k, (n as Record<string, unknown>)[k]]))) };
}

/** What the audit keeps of a node before and after a change: never a BMC secret, not even sealed. */
const nodeSummary = (n: { macs: string[]; groups: string[]; attrs: Record<string, unknown> }) => ({ macs: n.macs, groups: n.groups, attrs: redactBmc(n.attrs) });

type Fields = { macs?: string[]; groups?: string[]; bmc?: string | null; attrs?: NodeFields['attrs'] };

export function nodeRoutes(app: FastifyInstance, inventory: InventoryService): void {
  const cache = new ResponseCache();
  app.get<{ Querystring: { range?: string; offset?: number; limit?: number; effective?: boolean; provenance?: boolean; fields?: string } }>(
    '/nodes',
    {
      config: { command: 'nodels', noderange: (req) => (req.query as { range?: string }).range },
      schema: {
        summary: 'List nodes, optionally a noderange, with effective attributes and their provenance',
        tags: ['nodes'],
        querystring: Type.Object(
          {
            range: Type.Optional(Range),
            ...PageQuery,
            effective: Type.Optional(Type.Boolean()),
            provenance: Type.Optional(Type.Boolean()),
            fields: Type.Optional(Type.String({ pattern: `^(${NODE_FIELDS.join('|')})(,(${NODE_FIELDS.join('|')}))*$`, description: 'only these fields of each node, e.g. name,effective' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(Node), ...problemResponses },
      },
    },
    async (req, reply) => {
      const generation = await inventory.generation();
      const json = cache.get(generation, req.url) ?? cache.put(generation, req.url, project(await inventory.listNodes(req.query), req.query.fields));
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );

  app.post<{ Body: Fields & { name: string } }>(
    '/nodes',
    {
      config: { command: 'nodeadd', noderange: (req) => (req.body as { name: string }).name },
      schema: {
        summary: 'Create one node',
        tags: ['nodes'],
        body: Type.Object({ name: Name, macs: Type.Optional(Type.Array(Mac, { maxItems: 64 })), ...NodeFieldsBody }, { additionalProperties: false }),
        response: { 201: Node, ...problemResponses },
      },
    },
    async (req, reply) => {
      const { name, ...fields } = req.body;
      const [node] = await inventory.addNodes(name, fields, actorOf(req));
      return reply.code(201).header('etag', etagOf(node!.version)).header('location', `/api/v1/nodes/${encodeURIComponent(node!.name)}`).send(node);
    },
  );

  app.post<{ Body: Fields & { range: string } }>(
    '/nodes/bulk',
    {
      config: { command: 'nodeadd', noderange: (req) => (req.body as { range: string }).range },
      schema: {
        summary: 'Create every node a range names (n[01-20]) with shared groups and attributes, all or none',
        tags: ['nodes'],
        body: Type.Object({ range: Range, ...NodeFieldsBody }, { additionalProperties: false }),
        response: { 201: Items, ...problemResponses },
      },
    },
    async (req, reply) => {
      const { range, ...fields } = req.body;
      return reply.code(201).send({ items: await inventory.addNodes(range, fields, actorOf(req)) });
    },
  );

  app.get<{ Params: { name: string }; Querystring: { effective?: boolean; provenance?: boolean } }>(
    '/nodes/:name',
    {
      config: { command: 'nodels', noderange: (req) => (req.params as { name: string }).name },
      schema: {
        summary: 'One node',
        tags: ['nodes'],
        params: Type.Object({ name: Name }),
        querystring: Type.Object({ effective: Type.Optional(Type.Boolean()), provenance: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Node, ...problemResponses },
      },
    },
    async (req, reply) => {
      const node = await inventory.getNode(req.params.name, req.query);
      return reply.header('etag', etagOf(node.version)).send(node);
    },
  );

  app.patch<{ Params: { name: string }; Body: Fields }>(
    '/nodes/:name',
    {
      config: { command: 'nodech', noderange: (req) => (req.params as { name: string }).name },
      schema: {
        summary: 'Change one node; send If-Match with its ETag so a concurrent change is refused (412), not overwritten',
        tags: ['nodes'],
        params: Type.Object({ name: Name }),
        body: Type.Object({ macs: Type.Optional(Type.Array(Mac, { maxItems: 64 })), ...NodeFieldsBody }, { additionalProperties: false }),
        response: { 200: Node, ...problemResponses },
      },
    },
    async (req, reply) => {
      const before = await inventory.getNode(req.params.name);
      const node = await inventory.updateNode(req.params.name, req.body, actorOf(req), expectedVersion(req));
      auditChange(req, { before: nodeSummary(before), after: nodeSummary(node) });
      return reply.header('etag', etagOf(node.version)).send(node);
    },
  );

  app.patch<{ Querystring: { range: string }; Body: Fields }>(
    '/nodes',
    {
      config: { command: 'nodech', noderange: (req) => (req.query as { range: string }).range },
      schema: {
        summary: 'Change every node of a noderange (nodech), all or none',
        tags: ['nodes'],
        querystring: Type.Object({ range: Range }, { additionalProperties: false }),
        body: Type.Object(NodeFieldsBody, { additionalProperties: false }),
        response: { 200: Items, ...problemResponses },
      },
    },
    async (req) => ({ items: await inventory.updateNodes(req.query.range, req.body, actorOf(req)) }),
  );

  app.delete<{ Params: { name: string } }>(
    '/nodes/:name',
    {
      config: { command: 'noderm', noderange: (req) => (req.params as { name: string }).name },
      schema: { summary: 'Remove one node', tags: ['nodes'], params: Type.Object({ name: Name }), response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      await inventory.removeNode(req.params.name, actorOf(req), expectedVersion(req));
      return reply.code(204).send();
    },
  );

  app.delete<{ Querystring: { range: string } }>(
    '/nodes',
    {
      config: { command: 'noderm', noderange: (req) => (req.query as { range: string }).range },
      schema: {
        summary: 'Remove every node of a noderange, all or none',
        tags: ['nodes'],
        querystring: Type.Object({ range: Range }, { additionalProperties: false }),
        response: { 200: Type.Object({ removed: Type.Array(Type.String()) }), ...problemResponses },
      },
    },
    async (req) => ({ removed: await inventory.removeNodes(req.query.range, actorOf(req)) }),
  );
}
