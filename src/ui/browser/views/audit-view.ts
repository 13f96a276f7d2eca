// Every change, who made it, from where, on which nodes, allowed or refused (newest first).
import { api, qs } from '../api.ts';
import { h, time } from '../dom.ts';
import type { AuditEntry } from '../../../auth/auth-store.ts';

// Types only (erased from the bundle): the browser reads the shapes the server writes.
type Entry = AuditEntry;

export async function auditView(params: URLSearchParams): Promise<HTMLElement> {
  const user = params.get('user') ?? '';
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const { items } = await api<{ items: Entry[] }>('GET', `/audit${qs({ since, limit: 1000, user })}`);
  return h('section', {}, h('h1', {}, 'Audit (24 hours, newest first)'),
    h('table', { id: 'audit' },
      h('thead', {}, h('tr', {}, ...['Time', 'User', 'Command', 'Route', 'Nodes', 'Status', 'From'].map((c) => h('th', {}, c)))),
      h('tbody', {}, items.length === 0 ? h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'no changes')) : items.slice().reverse().map((e) =>
        h('tr', { class: e.status >= 400 ? 'refused' : '' }, h('td', {}, time(e.time)), h('td', {}, e.user), h('td', {}, e.command), h('td', { class: 'mono' }, e.route),
          h('td', {}, e.nodes.join(',')), h('td', {}, e.status), h('td', {}, e.from))))));
}
