// GET/HEAD /boot/images/<name>/<file>: the install agent streams disk images from here (Range, sendfile; no credentials).
import type { FastifyInstance } from 'fastify';
import type { EventSink } from '../../domain/events/event-sink.ts';
import { sendFile } from '../../boot/http/send-file.ts';
import { IMAGE_URL_PREFIX, type ImageStore } from './image-store.ts';

export interface ImageBootDeps {
  images: ImageStore;
  events: EventSink;
}

/**
 * Public like the other boot assets: images are what any installer may fetch (they carry no secrets; per-node data
 * comes through the token-guarded install callbacks). Only files named by an image's meta.json are served.
 */
export function imageBootRoutes(app: FastifyInstance, d: ImageBootDeps): void {
  app.route<{ Params: { name: string; file: string } }>({
    method: ['GET', 'HEAD'],
    url: `${IMAGE_URL_PREFIX}/:name/:file`,
    config: { public: 'boot' },
    handler: async (req, reply) => {
      const found = await d.images.file(req.params.name, req.params.file);
      if (!found) return reply.code(404).type('text/plain').send(`stage0: no image file ${req.params.name}/${req.params.file}\n`);
      if (req.method === 'GET') d.events.emit({ actor: 'boot', node: null, kind: 'http.image', details: { image: req.params.name, file: req.params.file, from: req.ip, range: req.headers.range } });
      return sendFile(req, reply, found);
    },
  });
}
