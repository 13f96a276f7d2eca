// /api/v1/site: site-wide default attributes, the bottom layer of inheritance.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { InventoryService } from '../../domain/services/inventory-service.ts';
import type { AttrValue } from '../../domain/inventory/types.ts';
import { etagOf, expectedVersion } from '../etag.ts';
import { actorOf } from '../actor.ts';
import { auditChange } from '../../auth/api/request-auth.ts';
import { redactBmc } from '../../power/redact-bmc.ts';
import { AttrsPatch, Site, problemResponses } from '../schemas.ts';

export function siteRoutes(app: FastifyInstance, inventory: InventoryService): void {
  app.get('/site', { config: { command: 'site.read' }, schema: { summary: 'Site defaults', tags: ['site'], response: { 200: Site, ...problemResponses } } }, async (_req, reply) => {
    const site = await inventory.getSite();
    return reply.header('etag', etagOf(site.version)).send(site);
  });

  app.patch<{ Body: { attrs: Record<string, AttrValue | null> } }>(
    '/site',
    {
      config: { command: 'site.write' },
      schema: {
        summary: 'Change site defaults (If-Match guards against lost updates)',
        tags: ['site'],
        body: Type.Object({ attrs: AttrsPatch }, { additionalProperties: false }),
        response: { 200: Site, ...problemResponses },
      },
    },
    async (req, reply) => {
      const before = await inventory.getSite();
      const site = await inventory.updateSite(req.body.attrs, actorOf(req), expectedVersion(req));
      auditChange(req, { before: redactBmc(before.attrs), after: redactBmc(site.attrs) });
      return reply.header('etag', etagOf(site.version)).send(site);
    },
  );
}
