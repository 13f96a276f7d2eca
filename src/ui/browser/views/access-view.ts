// Who may do what: the users, and the policy table in the order it decides (lower priority first; no row: deny).
// Users and policy rows are added and removed here as with `stage0 user|policy add|rm`: the server validates (its
// words are shown) and audits every change; removing takes a second click (a removed allow row or user locks
// someone out at once). A new user's generated password is shown once, as the CLI does.
import { api } from '../api.ts';
import { confirmingButton, h, time } from '../dom.ts';
import type { PolicyRow } from '../../../auth/auth-store.ts';
import { changeInSection, section } from './section.ts';

interface UserRow {
  name: string;
  roles: string[];
  groups: string[];
  hasPassword: boolean;
  createdAt: string;
}

export async function accessView(): Promise<HTMLElement> {
  const result = h('div', { id: 'policy-result', role: 'status' });
  const userResult = h('div', { id: 'user-result', role: 'status' });
  const [users, policy] = await Promise.all([
    section('users', 'Users', async () => {
      const { items } = await api<{ items: UserRow[] }>('GET', '/users');
      return h('div', {},
        h('table', {}, h('thead', {}, h('tr', {}, ...['User', 'Roles', 'Groups', 'Password', 'Created', ''].map((c) => h('th', {}, c)))),
          h('tbody', {}, items.map((u) => userRow(u, userResult)))),
        addUserForm(userResult));
    }),
    section('policy', 'Policy table (first matching row decides; no row: deny)', async () => {
      const { items } = await api<{ items: PolicyRow[] }>('GET', '/policy');
      return h('div', {},
        h('table', {}, h('thead', {}, h('tr', {}, ...['Priority', 'Subject', 'Commands', 'Noderange', 'Effect', 'Comment', ''].map((c) => h('th', {}, c)))),
          h('tbody', {}, items.map((r) => h('tr', { 'data-row': r.id, class: r.effect }, h('td', {}, r.priority), h('td', {}, r.subject), h('td', { class: 'mono' }, r.commands.join(',')),
            h('td', { class: 'mono' }, r.noderange ?? 'any'), h('td', {}, r.effect), h('td', {}, r.comment ?? ''), h('td', {}, removeButton(r, result)))))),
        addForm(result));
    }),
  ]);
  return h('div', {}, h('h1', {}, 'Access'),
    h('p', { class: 'muted' }, 'Users and policy rows change here or with stage0 user|policy add|rm; passwords with stage0 user passwd. Every change is in the audit.'),
    userResult, users, result, policy);
}

function removeButton(r: PolicyRow, result: HTMLElement): HTMLButtonElement {
  return confirmingButton('Remove', { class: 'remove', 'aria-label': `remove policy row ${r.id}` }, () => {
    changeInSection(api('DELETE', `/policy/${r.id}`), result, 'policy', () => `row ${r.id} removed (${r.priority} ${r.subject} ${r.commands.join(',')} ${r.effect})`, `remove row ${r.id}`);
  });
}

function userRow(u: UserRow, result: HTMLElement): HTMLTableRowElement {
  return h('tr', { 'data-user': u.name }, h('td', {}, u.name), h('td', {}, u.roles.join(', ')), h('td', {}, u.groups.join(', ')),
    h('td', {}, u.hasPassword ? 'set' : 'none'), h('td', {}, time(u.createdAt)), h('td', {}, removeUserButton(u, result)));
}

function removeUserButton(u: UserRow, result: HTMLElement): HTMLButtonElement {
  return confirmingButton('Remove', { class: 'remove', 'aria-label': `remove user ${u.name}` }, () => {
    changeInSection(api('DELETE', `/users/${encodeURIComponent(u.name)}`), result, 'users', () => `user ${u.name} removed, with their tokens and sessions`, `remove user ${u.name}`);
  });
}

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);

/** No password field: the server generates one and returns it once (never stored in clear, never shown again). */
function addUserForm(result: HTMLElement): HTMLFormElement {
  const name = h('input', { id: 'user-name', required: true, placeholder: 'name', 'aria-label': 'user name' });
  const roles = h('input', { id: 'user-roles', placeholder: 'roles, e.g. operator', 'aria-label': 'roles' });
  const groups = h('input', { id: 'user-groups', placeholder: 'groups, e.g. ops', 'aria-label': 'groups' });
  const form = h('form', { id: 'user-add' }, name, roles, groups, h('button', { type: 'submit' }, 'Add user'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    // The message, with the password, is outside the section: the reload leaves it on the screen.
    changeInSection(api<UserRow & { password?: string }>('POST', '/users', { name: name.value.trim(), roles: list(roles.value), groups: list(groups.value) }), result, 'users',
      (u) => [`user ${u.name} added; one-time password (shown only now): `, h('code', { id: 'user-password' }, u.password ?? '?')], 'add user');
  });
  return form;
}

function addForm(result: HTMLElement): HTMLFormElement {
  const priority = h('input', { id: 'policy-priority', type: 'number', min: 0, required: true, placeholder: 'priority', 'aria-label': 'priority' });
  const subject = h('input', { id: 'policy-subject', required: true, placeholder: 'user:alice | group:ops | role:operator | *', 'aria-label': 'subject' });
  const commands = h('input', { id: 'policy-commands', required: true, placeholder: 'commands, e.g. nodeset,rpower or *', 'aria-label': 'commands' });
  const noderange = h('input', { id: 'policy-noderange', placeholder: 'noderange (empty: any)', 'aria-label': 'noderange' });
  const effect = h('select', { id: 'policy-effect', 'aria-label': 'effect' }, h('option', { value: 'allow' }, 'allow'), h('option', { value: 'deny' }, 'deny'));
  const comment = h('input', { id: 'policy-comment', placeholder: 'comment', 'aria-label': 'comment' });
  const form = h('form', { id: 'policy-add' }, priority, subject, commands, noderange, effect, comment, h('button', { type: 'submit' }, 'Add row'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {
      priority: Number(priority.value),
      subject: subject.value.trim(),
      commands: list(commands.value),
      noderange: noderange.value.trim() || null,
      effect: effect.value,
      comment: comment.value.trim() || null,
    };
    changeInSection(api<PolicyRow>('POST', '/policy', body), result, 'policy',
      (row) => `row ${row.id} added: ${row.priority} ${row.subject} ${row.commands.join(',')} ${row.noderange ?? 'any'} ${row.effect}`, 'add row');
  });
  return form;
}
