// Who is calling: the user the auth hooks authenticated (src/auth/api); nothing the client claims in a header.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/services/actor.ts';

export function actorOf(req: FastifyRequest): Actor {
  return { name: req.auth?.user?.name ?? 'anonymous', from: req.ip };
}
