// Nodes of a noderange with their next boot, and the bulk actions an operator runs on a selection: nodeset, rpower.
import { api, describe, qs } from '../api.ts';
import { fill, h } from '../dom.ts';

interface NodeRow {
  name: string;
  groups: string[];
  macs: string[];
  effective?: Record<string, unknown>;
}
interface BootStatus {
  node: string;
  target: string | null;
  profile: string | null;
  oneshot: boolean;
  installStatus: string | null;
  statusReason: string | null;
}
interface PowerAnswer {
  items: Array<{ node: string; ok: boolean; result?: unknown; error?: string }>;
  failed: string[];
}

const LIMIT = 1000;

export async function nodesView(params: URLSearchParams): Promise<HTMLElement> {
  const range = params.get('range') ?? '';
  const page = await api<{ items: NodeRow[]; total: number }>('GET', `/nodes${qs({ range, effective: true, limit: LIMIT, fields: 'name,groups,macs,effective' })}`);
  const names = page.items.map((n) => n.name);
  const states = new Map<string, BootStatus>();
  if (names.length > 0) {
    for (const s of (await api<{ items: BootStatus[] }>('GET', `/boot-states${qs({ noderange: range || 'all' })}`)).items) states.set(s.node, s);
  }

  const rangeInput = h('input', { name: 'range', id: 'range', placeholder: 'noderange, e.g. rack1,-n03 or n[01-20]', value: range });
  const filter = h('form', { id: 'range-form', class: 'row' }, rangeInput, h('button', { type: 'submit' }, 'Show'));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = `#/nodes${qs({ range: rangeInput.value.trim() })}`;
  });

  const index = new Map(names.map((n, i) => [n, i]));
  const boxes = names.map((n) => h('input', { type: 'checkbox', 'data-node': n, 'aria-label': `select ${n}` }));
  const all = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'select all', onchange: () => boxes.forEach((b) => (b.checked = all.checked)) });
  const selected = (): string[] => boxes.filter((b) => b.checked).map((b) => b.getAttribute('data-node')!);

  const result = h('div', { id: 'action-result', role: 'status' });
  const report = (ok: boolean, ...lines: string[]) => fill(result, ...lines.map((l) => h('p', { class: ok ? 'ok' : 'error' }, l)));
  const run = (what: string, act: (nodes: string) => Promise<void>) => {
    const nodes = selected();
    if (nodes.length === 0) return report(false, `${what}: select at least one node`);
    fill(result, h('p', { class: 'muted' }, `${what} on ${nodes.length} node(s)…`));
    act(nodes.join(',')).catch((err: unknown) => report(false, `${what}: ${describe(err)}`));
  };

  const target = h('select', { id: 'nodeset-target' }, ...['boot', 'osimage', 'shell', 'discover', 'rescue', 'stateless'].map((t) => h('option', { value: t }, t)));
  const profile = h('input', { id: 'nodeset-profile', placeholder: 'profile (osimage, stateless)' });
  const oneshot = h('input', { type: 'checkbox', id: 'nodeset-oneshot' });
  const nodeset = h('button', { type: 'button', id: 'nodeset', onclick: () => run('nodeset', async (noderange) => {
    const t = target.value === 'osimage' || target.value === 'stateless' ? `${target.value}${profile.value.trim() ? `=${profile.value.trim()}` : ''}` : target.value;
    const r = await api<{ items: BootStatus[] }>('POST', '/nodeset', { noderange, target: t, ...(oneshot.checked && { oneshot: true }), cause: 'web UI' });
    report(true, `nodeset ${t}: ${r.items.map((s) => s.node).join(', ')}`);
    // The answer carries the new states: redraw those rows in place (the selection and this message stay).
    for (const st of r.items) {
      const i = index.get(st.node);
      if (i === undefined) continue;
      const row = nodeRow(page.items[i]!, boxes[i]!, st);
      rows[i]!.replaceWith(row);
      rows[i] = row;
    }
  }) }, 'Set next boot');

  const power = h('select', { id: 'rpower-state' }, ...['stat', 'on', 'off', 'softoff', 'cycle', 'reset'].map((s) => h('option', { value: s }, s)));
  const rpower = h('button', { type: 'button', id: 'rpower', onclick: () => run('rpower', async (noderange) => {
    const r = await api<PowerAnswer>('POST', '/power/rpower', { noderange, state: power.value });
    const said = (v: unknown) => (v === undefined ? 'ok' : typeof v === 'string' ? v : JSON.stringify(v));
    report(r.failed.length === 0, ...r.items.map((i) => `${i.node}: ${i.ok ? said(i.result) : `failed: ${i.error ?? ''}`}`));
  }) }, 'Power');

  const rows = page.items.map((n, i) => nodeRow(n, boxes[i]!, states.get(n.name)));

  return h('section', {},
    h('h1', {}, 'Nodes'),
    filter,
    h('p', { class: 'muted', id: 'node-count' }, page.total > page.items.length ? `${page.items.length} of ${page.total} nodes (narrow the noderange)` : `${page.total} node(s)`),
    h('div', { class: 'row actions' }, target, profile, h('label', { class: 'inline' }, oneshot, 'once'), nodeset, h('span', { class: 'sep' }), power, rpower),
    result,
    h('table', { id: 'nodes' },
      h('thead', {}, h('tr', {}, h('th', {}, all), ...['Name', 'Groups', 'MACs', 'IP', 'Next boot', 'Install'].map((c) => h('th', {}, c)))),
      h('tbody', {}, rows.length > 0 ? rows : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, range ? `no node in ${range}` : 'no nodes yet: stage0 nodeadd, or approve machines under Discovery')))));
}

/** One node's row; `box` is its selection checkbox, kept when the row is redrawn. */
function nodeRow(n: NodeRow, box: HTMLInputElement, s: BootStatus | undefined): HTMLTableRowElement {
  const next = s?.target ? `${s.target}${s.profile ? ` ${s.profile}` : ''}${s.oneshot ? ' (once)' : ''}` : '—';
  return h('tr', { 'data-node': n.name },
    h('td', {}, box),
    h('td', {}, h('a', { href: `#/node/${encodeURIComponent(n.name)}` }, n.name)),
    h('td', {}, n.groups.join(', ')),
    h('td', { class: 'mono' }, n.macs.join(' ')),
    h('td', { class: 'mono' }, String(n.effective?.ip ?? '')),
    h('td', { class: 'next-boot' }, next),
    h('td', { class: `status ${s?.installStatus ?? ''}` }, s?.installStatus ?? '', s?.statusReason ? ` — ${s.statusReason}` : ''));
}
