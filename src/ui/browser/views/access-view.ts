// Who may do what: the users, and the policy table in the order it decides (lower priority first; no row: deny).
import { api } from '../api.ts';
import { h, time } from '../dom.ts';
import type { PolicyRow } from '../../../auth/auth-store.ts';
import { section } from './section.ts';

interface UserRow {
  name: string;
  roles: string[];
  groups: string[];
  hasPassword: boolean;
  createdAt: string;
}

export async function accessView(): Promise<HTMLElement> {
  const [users, policy] = await Promise.all([
    section('users', 'Users', async () => {
      const { items } = await api<{ items: UserRow[] }>('GET', '/users');
      return h('table', {}, h('thead', {}, h('tr', {}, ...['User', 'Roles', 'Groups', 'Password', 'Created'].map((c) => h('th', {}, c)))),
        h('tbody', {}, items.map((u) => h('tr', { 'data-user': u.name }, h('td', {}, u.name), h('td', {}, u.roles.join(', ')), h('td', {}, u.groups.join(', ')),
          h('td', {}, u.hasPassword ? 'set' : 'none'), h('td', {}, time(u.createdAt))))));
    }),
    section('policy', 'Policy table (first matching row decides; no row: deny)', async () => {
      const { items } = await api<{ items: PolicyRow[] }>('GET', '/policy');
      return h('table', {}, h('thead', {}, h('tr', {}, ...['Priority', 'Subject', 'Commands', 'Noderange', 'Effect', 'Comment'].map((c) => h('th', {}, c)))),
        h('tbody', {}, items.map((r) => h('tr', { 'data-row': r.id, class: r.effect }, h('td', {}, r.priority), h('td', {}, r.subject), h('td', { class: 'mono' }, r.commands.join(',')),
          h('td', { class: 'mono' }, r.noderange ?? 'any'), h('td', {}, r.effect), h('td', {}, r.comment ?? '')))));
    }),
  ]);
  return h('div', {}, h('h1', {}, 'Access'), h('p', { class: 'muted' }, 'Change with stage0 user … and stage0 policy add|rm (changes are in the audit).'), users, policy);
}
