// Who is calling. Until authentication lands, the CLI names its operating-system user in X-Stage0-Actor.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/services/actor.ts';

export function actorOf(req: FastifyRequest): Actor {
  const header = req.headers['x-stage0-actor'];
  const name = typeof header === 'string' && /^[\w.@-]{1,64}$/.test(header) ? header : 'anonymous';
  return { name, from: req.ip };
}
