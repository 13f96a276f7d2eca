// Profiles (osimages): what an install boots and writes. Attach one with `nodeset <noderange> osimage=<profile>`.
import { api } from '../api.ts';
import { h, time } from '../dom.ts';
import type { Profile } from '../../../domain/provisioning/profile.ts';
import { section } from './section.ts';

export async function profilesView(): Promise<HTMLElement> {
  return h('div', {}, h('h1', {}, 'Profiles'), await section('profiles', 'Install profiles (osimages)', async () => {
    const { items } = await api<{ items: Profile[] }>('GET', '/profiles');
    if (items.length === 0) return h('p', { class: 'muted' }, 'no profiles yet: stage0 profile add');
    return h('table', {}, h('thead', {}, h('tr', {}, ...['Name', 'Kernel', 'Initrd', 'Template', 'Image', 'Install timeout', 'Updated'].map((c) => h('th', {}, c)))),
      h('tbody', {}, items.map((p) => h('tr', { 'data-profile': p.name }, h('td', {}, p.name), h('td', { class: 'mono' }, p.kernel), h('td', { class: 'mono' }, p.initrd ?? '—'),
        h('td', { class: 'mono' }, p.template ?? '—'), h('td', { class: 'mono' }, p.image ?? '—'), h('td', {}, p.installTimeout === null ? 'default' : `${p.installTimeout} s`), h('td', {}, time(p.updatedAt))))));
  }));
}
