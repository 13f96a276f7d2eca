// /api/v1/auth: log in (API token or browser session), log out, who am I, change my own password.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../../api/problem.ts';
import { problemResponses } from '../../api/schemas.ts';
import type { AuthStore } from '../auth-store.ts';
import { LoginLimiter } from '../login-limiter.ts';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from '../password-hash.ts';
import { newSecret, newTokenId } from '../secret-token.ts';
import { SESSION_COOKIE } from './authenticate.ts';
import { auditChange } from './request-auth.ts';

export interface AuthRouteDeps {
  store: AuthStore;
  limiter: LoginLimiter;
  now: () => Date;
  /** Lifetime of a token made by login (default 30 days) and of a browser session (default 12 hours). */
  loginTokenDays?: number;
  sessionHours?: number;
}

export const Password = Type.String({ minLength: 12, maxLength: 1024, description: 'at least 12 characters' });
const UserName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' });

/** Costs about what a real check costs, so that unknown user names cannot be told from wrong passwords by timing. */
const DUMMY_HASH = `scrypt$${DEFAULT_SCRYPT.N}$${DEFAULT_SCRYPT.r}$${DEFAULT_SCRYPT.p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

export function authRoutes(app: FastifyInstance, d: AuthRouteDeps): void {
  app.post<{ Body: { user: string; password: string; session?: boolean; tokenName?: string } }>(
    '/auth/login',
    {
      config: { public: 'login' },
      schema: {
        summary: 'Log in: returns an API token (CLI), or sets an HttpOnly session cookie and returns its CSRF token (browser)',
        tags: ['auth'],
        body: Type.Object({ user: UserName, password: Type.String({ maxLength: 1024 }), session: Type.Optional(Type.Boolean()), tokenName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({}, { additionalProperties: true }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const { user: name, password } = req.body;
      req.audit.user = name;
      const key = `${name}\n${req.ip}`;
      const wait = await d.limiter.retryAfter(key);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new HttpProblem(429, `too many failed logins for ${name} from ${req.ip}; try again in ${wait} s`);
      }
      const user = await d.store.users.get(name);
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!ok || !user?.passwordHash) {
        await d.limiter.fail(key);
        throw new HttpProblem(401, 'wrong user name or password');
      }
      await d.limiter.succeed(key);
      if (needsRehash(user.passwordHash)) await d.store.users.update(name, { passwordHash: await hashPassword(password) });
      const now = d.now().getTime();
      if (req.body.session) {
        const session = newSecret('s0s');
        const csrf = newSecret('s0c');
        const hours = d.sessionHours ?? 12;
        const expiresAt = new Date(now + hours * 3600_000).toISOString();
        const c = await d.store.credentials.create({ id: newTokenId(), kind: 'session', user: name, name: `session from ${req.ip}`, hash: session.hash, scopes: null, csrfHash: csrf.hash, expiresAt });
        auditChange(req, { via: 'session', credential: c.id });
        const secure = req.protocol === 'https' ? '; Secure' : '';
        reply.header('set-cookie', `${SESSION_COOKIE}=${session.secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${hours * 3600}${secure}`);
        return { user: name, csrfToken: csrf.secret, expiresAt };
      }
      const token = newSecret('s0t');
      const expiresAt = new Date(now + (d.loginTokenDays ?? 30) * 86_400_000).toISOString();
      const c = await d.store.credentials.create({ id: newTokenId(), kind: 'token', user: name, name: req.body.tokenName ?? `login from ${req.ip}`, hash: token.hash, scopes: null, csrfHash: null, expiresAt });
      auditChange(req, { via: 'token', credential: c.id });
      return { user: name, token: token.secret, id: c.id, expiresAt };
    },
  );

  app.post('/auth/logout', { config: { command: 'auth.self' }, schema: { summary: 'Revoke the token or session this request uses', tags: ['auth'], response: { 204: Type.Null(), ...problemResponses } } }, async (req, reply) => {
    const c = req.auth.credential!;
    await d.store.credentials.revoke(c.id, d.now().toISOString());
    if (c.kind === 'session') reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.code(204).send();
  });

  app.get('/auth/whoami', { config: { command: 'auth.self' }, schema: { summary: 'The authenticated user and credential', tags: ['auth'], response: { 200: Type.Object({}, { additionalProperties: true }), ...problemResponses } } }, async (req) => {
    const { user, credential } = req.auth;
    return { name: user!.name, roles: user!.roles, groups: user!.groups, via: credential!.kind, credential: credential!.id, scopes: credential!.scopes, expiresAt: credential!.expiresAt };
  });

  app.put<{ Body: { current: string; password: string } }>(
    '/auth/password',
    {
      config: { command: 'auth.self' },
      schema: { summary: 'Change my own password (needs the current one)', tags: ['auth'], body: Type.Object({ current: Type.String({ maxLength: 1024 }), password: Password }, { additionalProperties: false }), response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      const user = req.auth.user!;
      if (!user.passwordHash || !(await verifyPassword(req.body.current, user.passwordHash))) throw new HttpProblem(403, 'the current password is wrong');
      await d.store.users.update(user.name, { passwordHash: await hashPassword(req.body.password) });
      return reply.code(204).send();
    },
  );
}
