// /api/v1/templates: list installer templates, preview one for a node, lint a noderange before any machine boots.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TemplateService } from '../../domain/provisioning/template-service.ts';
import type { TemplateSource } from '../../domain/provisioning/template-source.ts';
import { Name, problemResponses } from '../schemas.ts';

const TemplateName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$' });

export function templateRoutes(app: FastifyInstance, templates: TemplateService, source: TemplateSource): void {
  app.get('/templates', {
    config: { command: 'template.read' },
    schema: { summary: 'Installer templates: the operator directory, then the shipped ones', tags: ['provisioning'], response: { 200: Type.Object({ items: Type.Array(Type.String()) }), ...problemResponses } },
  }, async () => ({ items: await source.list() }));

  app.get<{ Querystring: { node: string; template?: string } }>('/templates/render', {
    config: { command: 'template.render', noderange: (req) => (req.query as { node?: string }).node },
    schema: {
      summary: "Render a template (default: the node's profile template) for a node, strictly, with a placeholder token",
      tags: ['provisioning'],
      querystring: Type.Object({ node: Name, template: Type.Optional(TemplateName) }, { additionalProperties: false }),
      response: { 200: Type.String(), ...problemResponses },
    },
  }, async (req, reply) => {
    const { template, text } = await templates.render(req.query.node, req.query.template);
    return reply.type('text/plain; charset=utf-8').header('x-stage0-template', template).send(text);
  });

  app.post<{ Body: { noderange: string; template?: string; all?: boolean } }>('/templates/lint', {
    config: { command: 'template.render', noderange: (req) => (req.body as { noderange?: string } | undefined)?.noderange },
    schema: {
      summary: 'Render the profile template (or one named, or all) for every node of a range and report undefined variables (node, template, variable, line)',
      tags: ['provisioning'],
      body: Type.Object({ noderange: Type.String({ minLength: 1, maxLength: 65536 }), template: Type.Optional(TemplateName), all: Type.Optional(Type.Boolean({ description: 'every template for every node' })) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          checked: Type.Integer(),
          skipped: Type.Array(Type.Object({ node: Type.String(), reason: Type.String() })),
          problems: Type.Array(Type.Object({ node: Type.String(), template: Type.String(), problems: Type.Array(Type.Object({ variable: Type.Union([Type.String(), Type.Null()]), line: Type.Integer(), message: Type.String() })) })),
        }),
        ...problemResponses,
      },
    },
  }, async (req) => templates.lint(req.body.noderange, req.body.template, req.body.all === true));
}
