// Profiles (osimages): what an install boots and writes, and the disk images they write. Attach a profile with
// `nodeset <noderange> osimage=<profile>`; add images with `stage0 image add` (the SHA-256 is computed on upload).
import { api } from '../api.ts';
import { h, time } from '../dom.ts';
import type { Profile } from '../../../domain/provisioning/profile.ts';
import type { ImageMeta } from '../../../images/catalog/image-store.ts';
import { section } from './section.ts';

const size = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

export async function profilesView(): Promise<HTMLElement> {
  const images = section('images', 'Disk images', async () => {
    const { items } = await api<{ items: ImageMeta[] }>('GET', '/images');
    if (items.length === 0) return h('p', { class: 'muted' }, 'no images yet: stage0 image add <name> <file>');
    return h('table', {}, h('thead', {}, h('tr', {}, ...['Name', 'Format', 'Size (raw)', 'Stored', 'SHA-256', 'Version', 'Added'].map((c) => h('th', {}, c)))),
      h('tbody', {}, items.map((m) => h('tr', { 'data-image': m.name }, h('td', {}, m.name), h('td', {}, m.format), h('td', {}, size(m.size)), h('td', {}, size(m.storedBytes)),
        h('td', { class: 'mono', title: m.sha256 }, `${m.sha256.slice(0, 16)}…`), h('td', {}, m.version), h('td', {}, time(m.addedAt))))));
  });
  return h('div', {}, h('h1', {}, 'Profiles and images'), await section('profiles', 'Install profiles (osimages)', async () => {
    const { items } = await api<{ items: Profile[] }>('GET', '/profiles');
    if (items.length === 0) return h('p', { class: 'muted' }, 'no profiles yet: stage0 profile add');
    return h('table', {}, h('thead', {}, h('tr', {}, ...['Name', 'Kernel', 'Initrd', 'Template', 'Image', 'Install timeout', 'Updated'].map((c) => h('th', {}, c)))),
      h('tbody', {}, items.map((p) => h('tr', { 'data-profile': p.name }, h('td', {}, p.name), h('td', { class: 'mono' }, p.kernel), h('td', { class: 'mono' }, p.initrd ?? '—'),
        h('td', { class: 'mono' }, p.template ?? '—'), h('td', { class: 'mono' }, p.image ?? '—'), h('td', {}, p.installTimeout === null ? 'default' : `${p.installTimeout} s`), h('td', {}, time(p.updatedAt))))));
  }), await images);
}
