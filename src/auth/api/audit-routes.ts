// /api/v1/audit: read the append-only audit trail (there is deliberately no route that changes it).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { problemResponses } from '../../api/schemas.ts';
import type { AuditQuery, AuthStore } from '../auth-store.ts';

export function auditRoutes(app: FastifyInstance, store: AuthStore): void {
  app.get<{ Querystring: { user?: string; since?: string; node?: string; command?: string; after?: number; limit?: number } }>(
    '/audit',
    {
      config: { command: 'audit.read' },
      schema: {
        summary: 'Audit entries, oldest first; page with after=<last id>',
        tags: ['auth'],
        querystring: Type.Object(
          {
            user: Type.Optional(Type.String({ maxLength: 64 })),
            since: Type.Optional(Type.String({ format: 'date-time' })),
            node: Type.Optional(Type.String({ maxLength: 255 })),
            command: Type.Optional(Type.String({ maxLength: 64 })),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({}, { additionalProperties: true })), next: Type.Union([Type.Integer(), Type.Null()]) }), ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 1000;
      const query: AuditQuery = { limit, ...(q.user && { user: q.user }), ...(q.since && { since: q.since }), ...(q.node && { node: q.node }), ...(q.command && { command: q.command }), ...(q.after !== undefined && { afterId: q.after }) };
      const items = await store.audit.query(query);
      return { items, next: items.length === limit ? items[items.length - 1]!.id : null };
    },
  );
}
