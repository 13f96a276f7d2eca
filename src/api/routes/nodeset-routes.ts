// /api/v1/nodeset and boot states: set the next boot of a noderange (one transaction) and read it back.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { invalid } from '../../domain/errors.ts';
import { parseDuration } from '../../domain/provisioning/install-token.ts';
import type { NodeBootStatus, NodesetService } from '../../domain/provisioning/nodeset-service.ts';
import { actorOf } from '../actor.ts';
import { Name, problemResponses } from '../schemas.ts';

const Range = Type.String({ minLength: 1, maxLength: 65536, description: 'xCAT noderange' });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const BootStatus = Type.Object({
  node: Type.String(),
  target: Type.Union([Type.String(), Type.Null()], { description: 'install, boot, shell, discover, rescue, stateless; null = no state (default)' }),
  profile: Type.Union([Type.String(), Type.Null()]),
  oneshot: Type.Boolean(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  installStatus: Type.Union([Type.String(), Type.Null()]),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  installDeadline: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()]),
  cause: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

/** The JSON shape of one node's boot state (times as ISO-8601). */
export function bootStatusView({ node, state: s }: NodeBootStatus) {
  return {
    node, target: s?.target ?? null, profile: s?.profile ?? null, oneshot: s?.oneshot ?? false, expiresAt: iso(s?.expiresAt ?? null),
    installStatus: s?.installStatus ?? null, statusReason: s?.statusReason ?? null, installDeadline: iso(s?.installDeadline ?? null),
    actor: s?.actor ?? null, cause: s?.cause ?? null, updatedAt: s?.updatedAt ?? null,
  };
}

export function nodesetRoutes(app: FastifyInstance, nodeset: NodesetService): void {
  app.post<{ Body: { noderange: string; target: string; oneshot?: boolean; expires?: string | number; cause?: string } }>(
    '/nodeset',
    {
      config: { command: 'nodeset', noderange: (req) => (req.body as { noderange?: string } | undefined)?.noderange },
      schema: {
        summary: 'Set the next boot of every node of a noderange (xCAT nodeset), all or none, each change an event',
        tags: ['provisioning'],
        body: Type.Object(
          {
            noderange: Range,
            target: Type.String({ minLength: 1, maxLength: 200, description: 'osimage[=<profile>] | boot | shell | discover | rescue | stateless=<profile>' }),
            oneshot: Type.Optional(Type.Boolean()),
            expires: Type.Optional(Type.Union([Type.String({ maxLength: 16, description: 'e.g. 90s, 30m, 3h, 2d' }), Type.Integer({ minimum: 1, description: 'seconds' })])),
            cause: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(BootStatus) }), ...problemResponses },
      },
    },
    async (req) => {
      const { noderange, target, oneshot, expires, cause } = req.body;
      const expiresInMs = expires === undefined ? undefined : typeof expires === 'number' ? expires * 1000 : parseDuration(expires);
      if (expires !== undefined && !expiresInMs) throw invalid(`expires '${expires}' is not a duration like 90s, 30m, 3h, 2d`, 'expires');
      const states = await nodeset.nodeset(noderange, target, { oneshot, ...(expiresInMs && { expiresInMs }), actor: actorOf(req), ...(cause && { cause }) });
      return { items: states.map((state) => bootStatusView({ node: state.node, state })) };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/nodes/:name/boot-state',
    {
      config: { command: 'nodeset.stat', noderange: (req) => (req.params as { name?: string }).name },
      schema: { summary: "One node's next-boot state and install status", tags: ['provisioning'], params: Type.Object({ name: Name }), response: { 200: BootStatus, ...problemResponses } },
    },
    async (req) => bootStatusView(await nodeset.get(req.params.name)),
  );

  app.get<{ Querystring: { noderange: string } }>(
    '/boot-states',
    {
      config: { command: 'nodeset.stat', noderange: (req) => (req.query as { noderange?: string }).noderange },
      schema: {
        summary: 'Next-boot states of a noderange (nodeset stat)',
        tags: ['provisioning'],
        querystring: Type.Object({ noderange: Range }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(BootStatus) }), ...problemResponses },
      },
    },
    async (req) => ({ items: (await nodeset.stat(req.query.noderange)).map(bootStatusView) }),
  );
}
