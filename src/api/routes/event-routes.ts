// /api/v1/events: the append-only event log, per noderange, oldest first with a cursor.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { InventoryService } from '../../domain/services/inventory-service.ts';
import type { EventLog } from '../../store/inventory-store.ts';
import { Event, problemResponses } from '../schemas.ts';

interface EventQuery {
  nodes?: string;
  kind?: string;
  after?: number;
  since?: string;
  limit?: number;
}

/**
 * `flushPending` writes the events still waiting in the batching sink before a read: whoever just acted (an operator,
 * a test, a script) sees its own events at once instead of up to one batch delay later.
 */
export function eventRoutes(app: FastifyInstance, inventory: InventoryService, events: EventLog, flushPending?: () => Promise<void>): void {
  app.get<{ Querystring: EventQuery }>(
    '/events',
    {
      config: { command: 'events.read', noderange: (req) => (req.query as EventQuery).nodes },
      schema: {
        summary: 'Events, oldest first; page with after=<last id>',
        tags: ['events'],
        querystring: Type.Object(
          {
            nodes: Type.Optional(Type.String({ minLength: 1, description: 'noderange' })),
            kind: Type.Optional(Type.String({ description: 'comma-separated kinds, e.g. dhcp.ack,node.updated' })),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            since: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Event), next: Type.Union([Type.Integer(), Type.Null()]) }), ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 1000;
      await flushPending?.();
      const items = await events.query({
        ...(q.nodes && { nodes: await inventory.resolveLenient(q.nodes) }),
        ...(q.kind && { kinds: q.kind.split(',').map((k) => k.trim()).filter(Boolean) }),
        ...(q.after !== undefined && { afterId: q.after }),
        ...(q.since && { since: q.since }),
        limit,
      });
      return { items, next: items.length === limit ? items[items.length - 1]!.id : null };
    },
  );
}
