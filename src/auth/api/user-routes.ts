// /api/v1/users: administrators add, list, change and remove users (passwords are never returned, only set).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../../api/problem.ts';
import { problemResponses } from '../../api/schemas.ts';
import type { AuthStore, User } from '../auth-store.ts';
import { hashPassword } from '../password-hash.ts';
import { randomPassword } from '../secret-token.ts';
import { Password } from './auth-routes.ts';
import { auditChange } from './request-auth.ts';

const UserName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' });
const Names = Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }), { maxItems: 64 });
const Any = Type.Object({}, { additionalProperties: true });

/** What the API shows of a user: never the hash. */
export const publicUser = (u: User) => ({ name: u.name, roles: u.roles, groups: u.groups, hasPassword: u.passwordHash !== null, createdAt: u.createdAt });

export function userRoutes(app: FastifyInstance, store: AuthStore): void {
  app.get('/users', { config: { command: 'user.read' }, schema: { summary: 'List users', tags: ['auth'], response: { 200: Any, ...problemResponses } } }, async () => ({
    items: (await store.users.list()).map(publicUser),
  }));

  app.post<{ Body: { name: string; roles?: string[]; groups?: string[]; password?: string } }>(
    '/users',
    {
      config: { command: 'user.write' },
      schema: {
        summary: 'Add a user; without a password one is generated and returned once',
        tags: ['auth'],
        body: Type.Object({ name: UserName, roles: Type.Optional(Names), groups: Type.Optional(Names), password: Type.Optional(Password) }, { additionalProperties: false }),
        response: { 201: Any, ...problemResponses },
      },
    },
    async (req, reply) => {
      const generated = req.body.password === undefined ? randomPassword() : undefined;
      const user = await store.users.create({ name: req.body.name, roles: req.body.roles ?? [], groups: req.body.groups ?? [], passwordHash: await hashPassword(req.body.password ?? generated!) });
      auditChange(req, { after: publicUser(user) });
      return reply.code(201).send({ ...publicUser(user), ...(generated && { password: generated }) });
    },
  );

  app.patch<{ Params: { name: string }; Body: { roles?: string[]; groups?: string[] } }>(
    '/users/:name',
    {
      config: { command: 'user.write' },
      schema: { summary: "Change a user's roles or groups", tags: ['auth'], params: Type.Object({ name: UserName }), body: Type.Object({ roles: Type.Optional(Names), groups: Type.Optional(Names) }, { additionalProperties: false }), response: { 200: Any, ...problemResponses } },
    },
    async (req) => {
      const before = await store.users.get(req.params.name);
      if (before?.roles.includes('admin') && req.body.roles && !req.body.roles.includes('admin')) await refuseLastAdmin(store, before.name);
      const after = await store.users.update(req.params.name, req.body);
      auditChange(req, { before: before && publicUser(before), after: publicUser(after) });
      return publicUser(after);
    },
  );

  app.put<{ Params: { name: string }; Body: { password: string } }>(
    '/users/:name/password',
    {
      config: { command: 'user.write' },
      schema: { summary: "Set a user's password", tags: ['auth'], params: Type.Object({ name: UserName }), body: Type.Object({ password: Password }, { additionalProperties: false }), response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      await store.users.update(req.params.name, { passwordHash: await hashPassword(req.body.password) });
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/users/:name',
    { config: { command: 'user.write' }, schema: { summary: 'Remove a user and their tokens and sessions', tags: ['auth'], params: Type.Object({ name: UserName }), response: { 204: Type.Null(), ...problemResponses } } },
    async (req, reply) => {
      const before = await store.users.get(req.params.name);
      if (before?.roles.includes('admin')) await refuseLastAdmin(store, before.name);
      await store.users.remove(req.params.name);
      auditChange(req, { before: before && publicUser(before) });
      return reply.code(204).send();
    },
  );
}

/** Nobody could ever administer stage0 again (short of the local `user add --data-dir`). */
async function refuseLastAdmin(store: AuthStore, name: string): Promise<void> {
  const admins = (await store.users.list()).filter((u) => u.roles.includes('admin'));
  if (admins.length === 1 && admins[0]!.name === name) throw new HttpProblem(409, `'${name}' is the last administrator`);
}
