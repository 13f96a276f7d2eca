// /api/v1/profiles: profiles (xCAT osimages): kernel, initrd, cmdline template, installer template, image, timeout.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ProfileService } from '../../domain/provisioning/profile-service.ts';
import type { ProfilePatch } from '../../domain/provisioning/profile.ts';
import { actorOf } from '../actor.ts';
import { etagOf, expectedVersion } from '../etag.ts';
import { problemResponses } from '../schemas.ts';

const ProfileName = Type.String({ minLength: 1, maxLength: 63 });
const Fields = {
  kernel: Type.String({ minLength: 1, maxLength: 512, description: 'asset path under boot.assetsDir, or an http(s) URL' }),
  initrd: Type.Union([Type.String({ minLength: 1, maxLength: 512 }), Type.Null()]),
  cmdline: Type.String({ maxLength: 4096, description: 'template: {{ server }}, {{ token }}, {{ node.name }}…' }),
  template: Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()]),
  image: Type.Union([Type.String({ minLength: 1, maxLength: 63 }), Type.Null()]),
  installTimeout: Type.Union([Type.Integer({ minimum: 1, maximum: 604800, description: 'seconds' }), Type.Null()]),
};
const Profile = Type.Object({
  name: Type.String(), kernel: Type.String(), initrd: Type.Union([Type.String(), Type.Null()]), cmdline: Type.String(),
  template: Type.Union([Type.String(), Type.Null()]), image: Type.Union([Type.String(), Type.Null()]),
  installTimeout: Type.Union([Type.Integer(), Type.Null()]), version: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String(),
});
const Params = Type.Object({ name: ProfileName });

export function profileRoutes(app: FastifyInstance, profiles: ProfileService): void {
  app.get('/profiles', {
    config: { command: 'profile.read' },
    schema: { summary: 'List profiles (osimages)', tags: ['provisioning'], response: { 200: Type.Object({ items: Type.Array(Profile) }), ...problemResponses } },
  }, async () => ({ items: await profiles.list() }));

  app.get<{ Params: { name: string } }>('/profiles/:name', {
    config: { command: 'profile.read' },
    schema: { summary: 'One profile', tags: ['provisioning'], params: Params, response: { 200: Profile, ...problemResponses } },
  }, async (req, reply) => {
    const p = await profiles.get(req.params.name);
    return reply.header('etag', etagOf(p.version)).send(p);
  });

  app.post<{ Body: { name: string; kernel: string } & ProfilePatch }>('/profiles', {
    config: { command: 'profile.write' },
    schema: {
      summary: 'Create a profile',
      tags: ['provisioning'],
      body: Type.Object({ name: ProfileName, kernel: Fields.kernel, initrd: Type.Optional(Fields.initrd), cmdline: Type.Optional(Fields.cmdline), template: Type.Optional(Fields.template), image: Type.Optional(Fields.image), installTimeout: Type.Optional(Fields.installTimeout) }, { additionalProperties: false }),
      response: { 201: Profile, ...problemResponses },
    },
  }, async (req, reply) => {
    const p = await profiles.add(req.body, actorOf(req));
    return reply.code(201).header('etag', etagOf(p.version)).header('location', `/api/v1/profiles/${encodeURIComponent(p.name)}`).send(p);
  });

  app.patch<{ Params: { name: string }; Body: ProfilePatch }>('/profiles/:name', {
    config: { command: 'profile.write' },
    schema: {
      summary: 'Change a profile; null clears initrd, template, image or installTimeout',
      tags: ['provisioning'],
      params: Params,
      body: Type.Object(Object.fromEntries(Object.entries(Fields).map(([k, v]) => [k, Type.Optional(v)])), { additionalProperties: false }),
      response: { 200: Profile, ...problemResponses },
    },
  }, async (req, reply) => {
    const p = await profiles.update(req.params.name, req.body, actorOf(req), expectedVersion(req));
    return reply.header('etag', etagOf(p.version)).send(p);
  });

  app.delete<{ Params: { name: string } }>('/profiles/:name', {
    config: { command: 'profile.write' },
    schema: { summary: 'Remove a profile no boot state uses', tags: ['provisioning'], params: Params, response: { 204: Type.Null(), ...problemResponses } },
  }, async (req, reply) => {
    await profiles.remove(req.params.name, actorOf(req));
    return reply.code(204).send();
  });
}
