// What happened, newest first: DHCP, TFTP, HTTP boot, installer callbacks, inventory changes.
import { api, qs } from '../api.ts';
import { h, time } from '../dom.ts';
import type { StoredEvent } from '../../../domain/inventory/types.ts';
import { summary } from './node-view.ts';

type Ev = StoredEvent; // types only, erased from the bundle

export async function eventsView(params: URLSearchParams): Promise<HTMLElement> {
  const kind = params.get('kind') ?? '';
  const nodes = params.get('nodes') ?? '';
  const since = new Date(Date.now() - 3600_000).toISOString();
  const { items } = await api<{ items: Ev[] }>('GET', `/events${qs({ since, limit: 1000, kind, nodes })}`);
  const kindIn = h('input', { name: 'kind', placeholder: 'kinds, e.g. dhcp.ack,install.done', value: kind });
  const nodesIn = h('input', { name: 'nodes', placeholder: 'noderange', value: nodes });
  const form = h('form', { class: 'row' }, nodesIn, kindIn, h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = `#/events${qs({ kind: kindIn.value.trim(), nodes: nodesIn.value.trim() })}`;
  });
  return h('section', {}, h('h1', {}, 'Events (last hour, newest first)'), form,
    h('table', { id: 'events' },
      h('thead', {}, h('tr', {}, ...['Time', 'Node', 'Kind', 'Actor', 'Details'].map((c) => h('th', {}, c)))),
      h('tbody', {}, items.length === 0 ? h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'no events')) : items.slice().reverse().map((e) =>
        h('tr', { 'data-kind': e.kind }, h('td', {}, time(e.time)), h('td', {}, e.node ? h('a', { href: `#/node/${encodeURIComponent(e.node)}` }, e.node) : ''),
          h('td', {}, e.kind), h('td', {}, e.actor), h('td', { class: 'mono' }, summary(e.details)))))));
}
