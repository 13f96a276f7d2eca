// /api/v1/discovery: the agent's report (public, boot) and the operator's queue and rules.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DiscoveryService } from '../../domain/discovery/discovery-service.ts';
import type { DiscoveryStatus } from '../../domain/discovery/discovery-store.ts';
import { actorOf } from '../actor.ts';
import { problemResponses } from '../schemas.ts';

/** A report is a few KiB (64 CPU flags, a handful of disks and NICs): anything near this is not from our agent. */
export const DISCOVERY_BODY_LIMIT = 64 * 1024;

const Entry = Type.Object({}, { additionalProperties: true, description: 'id, mac, status, node, facts, sourceIp, firstSeen, lastSeen, reports, rule, decidedBy' });
const Rule = Type.Object({}, { additionalProperties: true, description: 'name, priority, match, namePattern, groups, createdAt' });
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Match = Type.Object(
  {
    mac: Type.Optional(Type.String({ maxLength: 17 })),
    uuid: Type.Optional(Type.String({ maxLength: 36 })),
    serial: Type.Optional(Type.String({ maxLength: 256 })),
    cpuModel: Type.Optional(Type.String({ maxLength: 256 })),
    vendor: Type.Optional(Type.String({ maxLength: 256 })),
    minMemoryMiB: Type.Optional(Type.Integer({ minimum: 0 })),
    maxMemoryMiB: Type.Optional(Type.Integer({ minimum: 0 })),
    minCores: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const Groups = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 });

export function discoveryRoutes(app: FastifyInstance, discovery: DiscoveryService): void {
  // The agent's report: facts JSON in, `ACTION=poweroff|reboot ...` (one text line the busybox agent can match) out.
  // No user credentials (firmware-level machines have none); the body is validated strictly by the domain.
  app.post('/discovery', {
    config: { public: 'boot' },
    bodyLimit: DISCOVERY_BODY_LIMIT,
    schema: { summary: 'Discovery agent report (hardware facts)', tags: ['discovery'], body: Type.Object({}, { additionalProperties: true }) },
  }, async (req, reply) => {
    const { entry, action } = await discovery.report(req.body, req.ip);
    return reply.type('text/plain').header('cache-control', 'no-store')
      .send(`ACTION=${action} ENTRY=${entry.id} STATUS=${entry.status}${entry.node ? ` NODE=${entry.node}` : ''}\n`);
  });

  app.get<{ Querystring: { status?: DiscoveryStatus } }>('/discovery', {
    config: { command: 'discover.read' },
    schema: {
      summary: 'The discovery queue, oldest first', tags: ['discovery'],
      querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('enrolled'), Type.Literal('rejected')])) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Entry) }), ...problemResponses },
    },
  }, async (req) => ({ items: await discovery.list(req.query.status) }));

  app.get<{ Params: { id: number } }>('/discovery/:id', {
    config: { command: 'discover.read' },
    schema: { summary: 'One discovered machine with its facts', tags: ['discovery'], params: Id, response: { 200: Entry, ...problemResponses } },
  }, async (req) => discovery.get(req.params.id));

  app.post<{ Params: { id: number }; Body: { name?: string; groups?: string[] } }>('/discovery/:id/approve', {
    config: { command: 'discover.approve' },
    schema: {
      summary: 'Enroll a discovered machine as a node (name: literal or pattern, default node{###})', tags: ['discovery'], params: Id,
      body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })), groups: Type.Optional(Groups) }, { additionalProperties: false }),
      response: { 200: Entry, ...problemResponses },
    },
  }, async (req) => discovery.approve(req.params.id, { ...(req.body?.name && { name: req.body.name }), ...(req.body?.groups && { groups: req.body.groups }) }, actorOf(req)));

  app.post<{ Params: { id: number } }>('/discovery/:id/reject', {
    config: { command: 'discover.approve' },
    schema: { summary: 'Ignore a discovered machine (until approved)', tags: ['discovery'], params: Id, response: { 200: Entry, ...problemResponses } },
  }, async (req) => discovery.reject(req.params.id, actorOf(req)));

  app.get('/discovery-rules', {
    config: { command: 'discover.read' },
    schema: { summary: 'Enrollment rules by priority', tags: ['discovery'], response: { 200: Type.Object({ items: Type.Array(Rule) }), ...problemResponses } },
  }, async () => ({ items: await discovery.listRules() }));

  app.post<{ Body: { name: string; priority?: number; match?: Record<string, string | number>; namePattern?: string; groups?: string[] } }>('/discovery-rules', {
    config: { command: 'discover.rule.write' },
    schema: {
      summary: 'Add an enrollment rule', tags: ['discovery'],
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })), match: Type.Optional(Match), namePattern: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })), groups: Type.Optional(Groups) }, { additionalProperties: false }),
      response: { 201: Rule, ...problemResponses },
    },
  }, async (req, reply) => {
    const b = req.body;
    const rule = await discovery.addRule({ name: b.name, priority: b.priority ?? 100, match: b.match ?? {}, namePattern: b.namePattern ?? 'node{###}', groups: b.groups ?? [] }, actorOf(req));
    return reply.code(201).send(rule);
  });

  app.delete<{ Params: { name: string } }>('/discovery-rules/:name', {
    config: { command: 'discover.rule.write' },
    schema: { summary: 'Remove an enrollment rule', tags: ['discovery'], params: Type.Object({ name: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), ...problemResponses } },
  }, async (req, reply) => {
    await discovery.removeRule(req.params.name, actorOf(req));
    return reply.code(204).send();
  });
}
