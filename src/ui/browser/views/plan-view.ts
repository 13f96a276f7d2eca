// The CPU baseline of a noderange (GET /plan/cpu-baseline): the level every host can give its guests, the hosts
// holding it down, the nodes without discovery facts.
import { api, qs } from '../api.ts';
import { h } from '../dom.ts';
import type { CpuBaselineReport } from '../../../domain/planning/cpu-baseline-service.ts';

type Report = CpuBaselineReport; // types only, erased from the bundle
const level = (l: string | null) => l ?? 'below x86-64';

export async function planView(params: URLSearchParams): Promise<HTMLElement> {
  const range = params.get('range') ?? '';
  const rangeIn = h('input', { name: 'range', placeholder: 'noderange, e.g. hypervisors', value: range, 'aria-label': 'noderange' });
  const form = h('form', { class: 'row' }, rangeIn, h('button', { type: 'submit' }, 'CPU baseline'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = `#/plan${qs({ range: rangeIn.value.trim() })}`;
  });
  const head = h('section', {}, h('h1', {}, 'Plan: CPU compatibility baseline'), form);
  if (!range) return (head.append(h('p', { class: 'muted' }, 'the CPU features every host of a noderange has, from discovery facts')), head);
  const r = await api<Report>('GET', `/plan/cpu-baseline${qs({ range })}`);
  const verdict = [
    r.hosts.length ? `${level(r.common.level)}: ${r.common.flags.length} CPU features common to ${r.hosts.length} hosts` : 'no host of this range has discovery facts',
    ...(r.next ? [`${r.next.level} needs ${r.next.missing.join(' ')}; lacked by ${r.next.lackedBy.join(', ')}`] : []),
    ...r.limiting.map((l) => `${l.node} alone lacks ${l.onlyMissing.join(' ')}; without it: ${level(l.levelWithout)}`),
    ...(r.withoutFacts.length ? [`no discovery facts (not counted): ${r.withoutFacts.join(', ')}`] : []),
  ];
  head.append(
    h('ul', { id: 'plan-verdict' }, ...verdict.map((v) => h('li', {}, v))),
    h('table', { id: 'plan-hosts' },
      h('thead', {}, h('tr', {}, ...['Node', 'Level', 'CPU'].map((c) => h('th', {}, c)))),
      h('tbody', {}, ...r.hosts.map((x) => h('tr', { 'data-node': x.node }, h('td', {}, h('a', { href: `#/node/${encodeURIComponent(x.node)}` }, x.node)), h('td', {}, level(x.level)), h('td', {}, x.model))))),
  );
  return head;
}
