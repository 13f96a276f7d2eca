// /api/v1/plan: questions about the cluster stage0 built, answered from its inventory and discovery facts.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DiscoveryService } from '../../domain/discovery/discovery-service.ts';
import { cpuBaselineOf } from '../../domain/planning/cpu-baseline-service.ts';
import { problemResponses } from '../schemas.ts';

const Range = Type.String({ minLength: 1, maxLength: 65536, description: 'xCAT noderange, e.g. compute,-n03' });
const Level = Type.Union([Type.Literal('x86-64'), Type.Literal('x86-64-v2'), Type.Literal('x86-64-v3'), Type.Literal('x86-64-v4'), Type.Null()]);
const Report = Type.Object({
  range: Type.String(),
  hosts: Type.Array(Type.Object({ node: Type.String(), model: Type.String(), level: Level })),
  common: Type.Object({ flags: Type.Array(Type.String()), level: Level }),
  next: Type.Optional(Type.Object({ level: Level, missing: Type.Array(Type.String()), lackedBy: Type.Array(Type.String()) })),
  limiting: Type.Array(Type.Object({ node: Type.String(), onlyMissing: Type.Array(Type.String()), levelWithout: Level })),
  withoutFacts: Type.Array(Type.String()),
});

export function planRoutes(app: FastifyInstance, deps: { resolve(range: string): Promise<string[]>; discovery: DiscoveryService }): void {
  app.get<{ Querystring: { range: string } }>('/plan/cpu-baseline', {
    config: { command: 'plan.read', noderange: (req) => (req.query as { range?: string }).range },
    schema: {
      summary: 'CPU compatibility baseline of a noderange: common features, x86-64 level, the hosts holding it down',
      tags: ['plan'],
      querystring: Type.Object({ range: Range }, { additionalProperties: false }),
      response: { 200: Report, ...problemResponses },
    },
  }, async (req) => cpuBaselineOf(req.query.range, { resolve: deps.resolve, enrolled: () => deps.discovery.list('enrolled') }));
}
