// A part of a page that loads on its own: a refusal or failure shows in its place, in the server's words, and the
// rest of the page still shows (an operator may read the nodes but not the policy table). After a change, the part
// it shows is loaded again in place (refreshSection): result messages and half-typed forms elsewhere stay.
import { describe } from '../api.ts';
import { fill, h } from '../dom.ts';

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
