// One node: its attributes and where each comes from (site, group, node), its next boot, and its timeline.
import { api, qs } from '../api.ts';
import { h, time } from '../dom.ts';
import type { StoredEvent } from '../../../domain/inventory/types.ts';

interface Provenance {
  value: unknown;
  from: { kind: 'site' | 'group' | 'node'; name?: string };
  computed?: boolean;
}
interface NodeFull {
  name: string;
  groups: string[];
  macs: string[];
  bmc: string | null;
  provenance?: Record<string, Provenance>;
}
type Ev = StoredEvent; // types only, erased from the bundle

export async function nodeView(name: string): Promise<HTMLElement> {
  const path = `/nodes/${encodeURIComponent(name)}`;
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const [node, boot, events] = await Promise.all([
    api<NodeFull>('GET', `${path}${qs({ provenance: true })}`),
    api<Record<string, unknown>>('GET', `${path}/boot-state`),
    api<{ items: Ev[] }>('GET', `/events${qs({ nodes: name, since, limit: 1000 })}`),
  ]);
  const attrs = Object.entries(node.provenance ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const from = (p: Provenance) => `${p.from.kind}${p.from.name ? ` ${p.from.name}` : ''}${p.computed ? ' (computed)' : ''}`;
  return h('section', {},
    h('p', {}, h('a', { href: '#/nodes' }, '← Nodes')),
    h('h1', { id: 'node-name' }, node.name),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Groups'), h('dd', {}, node.groups.join(', ') || '—'),
      h('dt', {}, 'MACs'), h('dd', { class: 'mono' }, node.macs.join(' ') || '—'),
      h('dt', {}, 'BMC'), h('dd', { class: 'mono' }, node.bmc ?? '—'),
      h('dt', {}, 'Next boot'), h('dd', { id: 'boot-state' }, String(boot.target ?? 'none (default)'), boot.profile ? ` ${String(boot.profile)}` : '', boot.oneshot ? ' (once)' : ''),
      h('dt', {}, 'Install'), h('dd', {}, String(boot.installStatus ?? '—'), boot.statusReason ? ` — ${String(boot.statusReason)}` : '', ' ',
        h('a', { id: 'preview-link', href: `#/templates?node=${encodeURIComponent(node.name)}` }, 'preview its installer template'))),
    h('h2', {}, 'Attributes'),
    h('table', { id: 'attrs' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Attribute'), h('th', {}, 'Value'), h('th', {}, 'From'))),
      h('tbody', {}, attrs.map(([k, p]) => h('tr', { 'data-attr': k }, h('td', {}, k), h('td', { class: 'mono' }, typeof p.value === 'string' ? p.value : JSON.stringify(p.value)), h('td', { class: 'from' }, from(p)))))),
    h('h2', {}, 'Timeline (7 days, newest first)'),
    h('ol', { id: 'timeline', class: 'timeline' },
      events.items.length === 0 ? h('li', { class: 'muted' }, 'nothing yet') : events.items.slice().reverse().map((e) =>
        h('li', { 'data-kind': e.kind }, h('time', {}, time(e.time)), ' ', h('strong', {}, e.kind), ' ', h('span', { class: 'muted' }, e.actor), ' ', h('code', {}, summary(e.details))))));
}

/** The details on one line, long values cut: the full record is in the API and `stage0 events`. */
export function summary(d: Record<string, unknown>): string {
  return Object.entries(d).map(([k, v]) => `${k}=${(typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 120)}`).join(' ');
}
