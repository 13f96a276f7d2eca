// /api/v1/images: list, show, upload (streamed PUT) and remove disk images of the catalog.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { HttpProblem } from '../../api/problem.ts';
import { problemResponses } from '../../api/schemas.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf } from '../../api/actor.ts';
import type { NewEvent } from '../../domain/inventory/types.ts';
import { IMAGE_FORMATS, type ImageFormat, type ImageStore } from './image-store.ts';

const ImageMetaSchema = Type.Object({
  name: Type.String(),
  format: Type.Union(IMAGE_FORMATS.map((f) => Type.Literal(f))),
  file: Type.String(),
  sha256: Type.String({ description: 'SHA-256 of the raw (uncompressed) bytes' }),
  size: Type.Integer({ description: 'raw size in bytes' }),
  storedBytes: Type.Integer(),
  addedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
});
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) });

export interface ImageApiDeps {
  images: ImageStore;
  /** The event log (image.added / image.removed are written before the answer). */
  events: { append(events: readonly NewEvent[]): Promise<unknown> };
}

/** Registered inside its own plugin scope: the octet-stream body parser below must not reach other routes. */
export async function imageApiRoutes(app: FastifyInstance, d: ImageApiDeps): Promise<void> {
  await app.register(async (scope) => {
    // Images are hundreds of MiB: the body is handed over as the request stream, never buffered (no bodyLimit).
    scope.addContentTypeParser(['application/octet-stream', 'application/gzip'], (_req, payload, done) => done(null, payload));

    scope.get('/images', { config: { command: 'image.read' }, schema: { summary: 'Disk images in the catalog', tags: ['images'], response: { 200: Type.Object({ items: Type.Array(ImageMetaSchema) }), ...problemResponses } } }, async () => ({
      items: await d.images.list(),
    }));

    scope.get<{ Params: { name: string } }>(
      '/images/:name',
      { config: { command: 'image.read' }, schema: { summary: 'One disk image', tags: ['images'], params: NameParams, response: { 200: ImageMetaSchema, ...problemResponses } } },
      async (req) => {
        const meta = await d.images.meta(req.params.name);
        if (!meta) throw new DomainError('not-found', `no image ${req.params.name}`, { field: 'name' });
        return meta;
      },
    );

    scope.put<{ Params: { name: string }; Querystring: { format?: ImageFormat; replace?: boolean } }>(
      '/images/:name',
      {
        config: { command: 'image.write' },
        schema: {
          summary: 'Upload a disk image (body: the raw or gzip file, application/octet-stream); the server computes the raw SHA-256',
          tags: ['images'],
          params: NameParams,
          querystring: Type.Object({ format: Type.Optional(Type.Union(IMAGE_FORMATS.map((f) => Type.Literal(f)))), replace: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          response: { 201: ImageMetaSchema, ...problemResponses },
        },
      },
      async (req, reply) => {
        const body = req.body as Readable | undefined;
        if (!body || typeof body.pipe !== 'function') throw new HttpProblem(415, 'send the image file as the body, content-type application/octet-stream');
        const length = Number(req.headers['content-length']);
        const meta = await d.images.add(req.params.name, body, req.query.format ?? 'raw', { replace: req.query.replace ?? false, ...(Number.isSafeInteger(length) && length > 0 && { expectedBytes: length }) });
        await d.events.append([{ actor: actorOf(req).name, node: null, kind: 'image.added', details: { name: meta.name, format: meta.format, sha256: meta.sha256, size: meta.size, version: meta.version } }]);
        return reply.code(201).send(meta);
      },
    );

    scope.delete<{ Params: { name: string } }>(
      '/images/:name',
      { config: { command: 'image.write' }, schema: { summary: 'Remove a disk image', tags: ['images'], params: NameParams, response: { 200: ImageMetaSchema, ...problemResponses } } },
      async (req) => {
        const meta = await d.images.remove(req.params.name);
        await d.events.append([{ actor: actorOf(req).name, node: null, kind: 'image.removed', details: { name: meta.name, sha256: meta.sha256, version: meta.version } }]);
        return meta;
      },
    );
  });
}
