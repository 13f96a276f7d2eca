// Finds the caller of a request: a bearer token (Authorization) or a web session cookie; refuses expired or revoked ones.
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../../api/problem.ts';
import type { AuthStore, Credential, User } from '../auth-store.ts';
import { hashSecret } from '../secret-token.ts';

export const SESSION_COOKIE = 'stage0_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface Authenticated {
  user: User;
  credential: Credential;
}

/** The secret the request presents, and how. */
export function presentedSecret(req: FastifyRequest): { secret: string; via: 'bearer' | 'cookie' } | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new HttpProblem(401, 'Authorization must be "Bearer <token>"', { deniedBy: 'authentication' });
    return { secret: m[1]!, via: 'bearer' };
  }
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return cookie ? { secret: cookie, via: 'cookie' } : undefined;
}

/** Undefined when the request presents nothing; 401 when what it presents is unknown, expired or revoked. */
export async function authenticate(req: FastifyRequest, store: AuthStore, now: Date): Promise<Authenticated | undefined> {
  const presented = presentedSecret(req);
  if (!presented) return undefined;
  const credential = await store.credentials.findByHash(hashSecret(presented.secret));
  // A cookie must name a session and a bearer token an API token: a stolen session id is no API token.
  if (!credential || (credential.kind === 'session') !== (presented.via === 'cookie')) throw new HttpProblem(401, 'unknown token or session; log in again (stage0 login)', { deniedBy: 'authentication' });
  if (credential.revokedAt) throw new HttpProblem(401, `${credential.kind} '${credential.id}' was revoked; log in again (stage0 login)`, { deniedBy: 'authentication' });
  if (credential.expiresAt && Date.parse(credential.expiresAt) <= now.getTime()) throw new HttpProblem(401, `${credential.kind} '${credential.id}' expired at ${credential.expiresAt}; log in again (stage0 login)`, { deniedBy: 'authentication' });
  const user = await store.users.get(credential.user);
  if (!user) throw new HttpProblem(401, 'the user of this token no longer exists', { deniedBy: 'authentication' });
  // Last use is kept to the minute: one write per token per minute, not per request.
  if (!credential.lastUsedAt || now.getTime() - Date.parse(credential.lastUsedAt) > 60_000) await store.credentials.touch(credential.id, now.toISOString());
  return { user, credential };
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}
