// Profile (osimage) use cases: validation, events, and refusing to remove a profile a node's boot state still names.
import { conflict, notFound } from '../errors.ts';
import type { Actor } from '../services/actor.ts';
import { validateProfileFields, validateProfileName, type NewProfile, type Profile, type ProfilePatch } from './profile.ts';
import type { ProvisioningStore } from './provisioning-store.ts';

export class ProfileService {
  constructor(private readonly store: ProvisioningStore) {}

  list(): Promise<Profile[]> {
    return this.store.profiles.list();
  }

  async get(name: string): Promise<Profile> {
    const p = await this.store.profiles.get(name);
    if (!p) throw notFound(`profile '${name}'`, 'name');
    return p;
  }

  async add(p: NewProfile, actor: Actor): Promise<Profile> {
    validateProfileName(p.name);
    validateProfileFields(p);
    return this.store.transaction(async (tx) => {
      const created = await tx.profiles.create(p);
      await tx.events.append([{ actor: actor.name, node: null, kind: 'profile.created', details: { from: actor.from, profile: created } }]);
      return created;
    });
  }

  async update(name: string, patch: ProfilePatch, actor: Actor, expectedVersion?: number): Promise<Profile> {
    validateProfileFields(patch);
    return this.store.transaction(async (tx) => {
      const before = await tx.profiles.get(name);
      const after = await tx.profiles.update(name, patch, expectedVersion);
      await tx.events.append([{ actor: actor.name, node: null, kind: 'profile.updated', details: { from: actor.from, profile: name, before, after } }]);
      return after;
    });
  }

  async remove(name: string, actor: Actor): Promise<void> {
    await this.store.transaction(async (tx) => {
      const users = (await tx.bootStates.list()).filter((s) => s.profile === name && (s.target === 'install' || s.target === 'stateless'));
      if (users.length) throw conflict(`profile ${name} is the next boot of ${users.length} node(s) (${users.slice(0, 5).map((s) => s.node).join(', ')}): nodeset them first`, 'name');
      await tx.profiles.remove(name);
      await tx.events.append([{ actor: actor.name, node: null, kind: 'profile.removed', details: { from: actor.from, profile: name } }]);
    });
  }
}
