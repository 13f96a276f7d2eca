// Profiles (osimages): what an install boots and writes, and the disk images they write. Attach a profile with
// `nodeset <noderange> osimage=<profile>`; add images with `stage0 image add` (the SHA-256 is computed on upload).
// Profiles are added and removed here as with `stage0 profile add|rm`; the server refuses removing one a node's
// boot state still uses (its words are shown).
import { api } from '../api.ts';
import { confirmingButton, h, time } from '../dom.ts';
import type { Profile } from '../../../domain/provisioning/profile.ts';
import type { ImageMeta } from '../../../images/catalog/image-store.ts';
import { changeInSection, section } from './section.ts';

const size = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

export async function profilesView(): Promise<HTMLElement> {
  const images = section('images', 'Disk images', async () => {
    const { items } = await api<{ items: ImageMeta[] }>('GET', '/images');
    if (items.length === 0) return h('p', { class: 'muted' }, 'no images yet: stage0 image add <name> <file>');
    return h('table', {}, h('thead', {}, h('tr', {}, ...['Name', 'Format', 'Size (raw)', 'Stored', 'SHA-256', 'Version', 'Added'].map((c) => h('th', {}, c)))),
      h('tbody', {}, items.map((m) => h('tr', { 'data-image': m.name }, h('td', {}, m.name), h('td', {}, m.format), h('td', {}, size(m.size)), h('td', {}, size(m.storedBytes)),
        h('td', { class: 'mono', title: m.sha256 }, `${m.sha256.slice(0, 16)}…`), h('td', {}, m.version), h('td', {}, time(m.addedAt))))));
  });
  const result = h('div', { id: 'profile-result', role: 'status' });
  return h('div', {}, h('h1', {}, 'Profiles and images'), result, await section('profiles', 'Install profiles (osimages)', async () => {
    const { items } = await api<{ items: Profile[] }>('GET', '/profiles');
    const table = items.length === 0 ? h('p', { class: 'muted' }, 'no profiles yet')
      : h('table', {}, h('thead', {}, h('tr', {}, ...['Name', 'Kernel', 'Initrd', 'Template', 'Image', 'Install timeout', 'Updated', ''].map((c) => h('th', {}, c)))),
        h('tbody', {}, items.map((p) => h('tr', { 'data-profile': p.name }, h('td', {}, p.name), h('td', { class: 'mono' }, p.kernel), h('td', { class: 'mono' }, p.initrd ?? '—'),
          h('td', { class: 'mono' }, p.template ?? '—'), h('td', { class: 'mono' }, p.image ?? '—'), h('td', {}, p.installTimeout === null ? 'default' : `${p.installTimeout} s`), h('td', {}, time(p.updatedAt)),
          h('td', {}, removeButton(p.name, result))))));
    return h('div', {}, table, addForm(result));
  }), await images);
}

function removeButton(name: string, result: HTMLElement): HTMLButtonElement {
  return confirmingButton('Remove', { class: 'remove', 'aria-label': `remove profile ${name}` }, () => {
    changeInSection(api('DELETE', `/profiles/${encodeURIComponent(name)}`), result, 'profiles', () => `profile ${name} removed`, `remove profile ${name}`);
  });
}

/** The fields an install needs most; cmdline and the rest default on the server and change with the CLI. */
function addForm(result: HTMLElement): HTMLFormElement {
  const input = (id: string, placeholder: string, required = false) => h('input', { id: `profile-${id}`, placeholder, 'aria-label': placeholder, required });
  const name = input('name', 'name', true);
  const kernel = input('kernel', 'kernel (asset path or URL)', true);
  const initrd = input('initrd', 'initrd (optional)');
  const template = input('template', 'template, e.g. debian/preseed.cfg (optional)');
  const image = input('image', 'disk image (optional)');
  const timeout = h('input', { id: 'profile-timeout', type: 'number', min: 1, placeholder: 'install timeout s (optional)', 'aria-label': 'install timeout in seconds' });
  const form = h('form', { id: 'profile-add' }, name, kernel, initrd, template, image, timeout, h('button', { type: 'submit' }, 'Add profile'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const opt = (el: HTMLInputElement) => el.value.trim() || undefined;
    const body = { name: name.value.trim(), kernel: kernel.value.trim(), initrd: opt(initrd), template: opt(template), image: opt(image), installTimeout: timeout.value ? Number(timeout.value) : undefined };
    changeInSection(api<Profile>('POST', '/profiles', body), result, 'profiles', (p) => `profile ${p.name} added; attach it with: stage0 nodeset <noderange> osimage=${p.name}`, 'add profile');
  });
  return form;
}
