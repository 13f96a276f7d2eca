// A part of a page that loads on its own: a refusal or failure shows in its place, in the server's words, and the
// rest of the page still shows (an operator may read the nodes but not the policy table).
import { describe } from '../api.ts';
import { h } from '../dom.ts';

export async function section(id: string, title: string, load: () => Promise<Node>): Promise<HTMLElement> {
  let body: Node;
  try {
    body = await load();
  } catch (err) {
    body = h('p', { class: 'error', role: 'alert' }, describe(err));
  }
  return h('section', { id }, h('h2', {}, title), body);
}
