// A part of a page that loads on its own: a refusal or failure shows in its place, in the server's words, and the
// rest of the page still shows (an operator may read the nodes but not the policy table). After a change, the part
// it shows is loaded again in place (refreshSection): result messages and half-typed forms elsewhere stay.
import { describe } from '../api.ts';
import { fill, h, type Child } from '../dom.ts';

const loaders = new WeakMap<Element, () => Promise<Node>>();

async function body(load: () => Promise<Node>): Promise<Node> {
  try {
    return await load();
  } catch (err) {
    return h('p', { class: 'error', role: 'alert' }, describe(err));
  }
}

export async function section(id: string, title: string, load: () => Promise<Node>): Promise<HTMLElement> {
  const content = h('div', { class: 'section-body' }, await body(load));
  const el = h('section', { id }, h('h2', {}, title), content);
  loaders.set(content, load);
  return el;
}

/** Loads the section with this id again, in place; nothing when it is not on the page any more. */
export async function refreshSection(id: string): Promise<void> {
  const content = document.getElementById(id)?.querySelector(':scope > .section-body');
  const load = content && loaders.get(content);
  if (content && load) fill(content, await body(load));
}

/**
 * Runs a change from a section's form or button, then says how it went in `result` (outside the section, so it
 * stays): `said` on success, the server's words after `failed` on a refusal; on success section `id` reloads.
 */
export function changeInSection<T>(change: Promise<T>, result: HTMLElement, id: string, said: (r: T) => Child, failed: string): void {
  change.then((r) => {
    fill(result, h('p', { class: 'ok' }, said(r)));
    void refreshSection(id);
  }, (err: unknown) => fill(result, h('p', { class: 'error' }, `${failed}: ${describe(err)}`)));
}
