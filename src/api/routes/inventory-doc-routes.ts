// /api/v1/inventory: declarative apply (idempotent; dry-run shows the plan) and export of the whole inventory.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApplyService } from '../../domain/services/apply-service.ts';
import { actorOf } from '../actor.ts';
import { problemResponses } from '../schemas.ts';

export function inventoryDocRoutes(app: FastifyInstance, apply: ApplyService): void {
  app.post<{ Body: { document: unknown; dryRun?: boolean; prune?: boolean } }>(
    '/inventory/apply',
    {
      config: { command: 'inventory.apply' },
      schema: {
        summary: 'Create and update site, groups and nodes to match a document, in one transaction; a second apply changes nothing',
        tags: ['inventory'],
        body: Type.Object(
          {
            document: Type.Object({}, { additionalProperties: true, description: 'an inventory document (apiVersion stage0/v1)' }),
            dryRun: Type.Optional(Type.Boolean({ default: false })),
            prune: Type.Optional(Type.Boolean({ default: false, description: 'also remove nodes and groups the document does not list' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ applied: Type.Boolean(), changes: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...problemResponses,
        },
      },
    },
    (req) => apply.apply(req.body.document, { dryRun: req.body.dryRun ?? false, prune: req.body.prune ?? false }, actorOf(req)),
  );

  app.get(
    '/inventory/export',
    {
      config: { command: 'inventory.read' },
      schema: {
        summary: 'The whole inventory as a document that applies back to the same state',
        tags: ['inventory'],
        response: { 200: Type.Object({}, { additionalProperties: true }), ...problemResponses },
      },
    },
    () => apply.export(),
  );
}
