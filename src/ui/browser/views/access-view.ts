// Who may do what: the users, and the policy table in the order it decides (lower priority first; no row: deny).
// Rows are added and removed here as with `stage0 policy add|rm`: the server validates (its words are shown) and
// audits every change; removing takes a second click, since a removed allow row can lock someone out at once.
import { api, describe } from '../api.ts';
import { fill, h, reloadViewSoon, time } from '../dom.ts';
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
  const result = h('div', { id: 'policy-result', role: 'status' });
  const [users, policy] = await Promise.all([
    section('users', 'Users', async () => {
      const { items } = await api<{ items: UserRow[] }>('GET', '/users');
      return h('table', {}, h('thead', {}, h('tr', {}, ...['User', 'Roles', 'Groups', 'Password', 'Created'].map((c) => h('th', {}, c)))),
        h('tbody', {}, items.map((u) => h('tr', { 'data-user': u.name }, h('td', {}, u.name), h('td', {}, u.roles.join(', ')), h('td', {}, u.groups.join(', ')),
          h('td', {}, u.hasPassword ? 'set' : 'none'), h('td', {}, time(u.createdAt))))));
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
    h('p', { class: 'muted' }, 'Users change with stage0 user …; policy rows here or with stage0 policy add|rm. Every change is in the audit.'),
    users, result, policy);
}

function removeButton(r: PolicyRow, result: HTMLElement): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'remove', 'aria-label': `remove policy row ${r.id}` }, 'Remove');
  button.addEventListener('click', () => {
    if (!button.classList.contains('armed')) {
      button.classList.add('armed');
      button.textContent = 'Confirm remove';
      return;
    }
    api('DELETE', `/policy/${r.id}`).then(() => {
      fill(result, h('p', { class: 'ok' }, `row ${r.id} removed (${r.priority} ${r.subject} ${r.commands.join(',')} ${r.effect})`));
      reloadViewSoon();
    }, (err: unknown) => fill(result, h('p', { class: 'error' }, `remove row ${r.id}: ${describe(err)}`)));
  });
  return button;
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
      commands: commands.value.split(',').map((c) => c.trim()).filter(Boolean),
      noderange: noderange.value.trim() || null,
      effect: effect.value,
      comment: comment.value.trim() || null,
    };
    api<PolicyRow>('POST', '/policy', body).then((row) => {
      fill(result, h('p', { class: 'ok' }, `row ${row.id} added: ${row.priority} ${row.subject} ${row.commands.join(',')} ${row.noderange ?? 'any'} ${row.effect}`));
      reloadViewSoon();
    }, (err: unknown) => fill(result, h('p', { class: 'error' }, `add row: ${describe(err)}`)));
  });
  return form;
}
