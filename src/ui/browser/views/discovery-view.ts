// The discovery queue: machines nobody has typed in, with the facts they reported; approve (with a name) or reject.
import { api, describe } from '../api.ts';
import { fill, h, time } from '../dom.ts';

interface Entry {
  id: number;
  mac: string;
  status: string;
  facts: Record<string, any>;
  firstSeen: string;
  lastSeen: string;
}

export async function discoveryView(): Promise<HTMLElement> {
  const { items } = await api<{ items: Entry[] }>('GET', '/discovery?status=pending');
  const result = h('div', { id: 'discovery-result', role: 'status' });
  const rows = items.map((e) => {
    const name = h('input', { placeholder: 'name or pattern (default node{###})', 'aria-label': `name for ${e.mac}` });
    const act = (verb: 'approve' | 'reject') => {
      api<Entry & { node?: string }>('POST', `/discovery/${e.id}/${verb}`, verb === 'approve' && name.value.trim() ? { name: name.value.trim() } : verb === 'approve' ? {} : undefined)
        .then((r) => {
          fill(result, h('p', { class: 'ok' }, verb === 'approve' ? `${e.mac} enrolled as ${r.node ?? '?'}` : `${e.mac} rejected`));
          row.remove(); // out of the queue; the message stays
        }, (err: unknown) => fill(result, h('p', { class: 'error' }, `${verb} ${e.mac}: ${describe(err)}`)));
    };
    const row: HTMLTableRowElement = h('tr', { 'data-mac': e.mac },
      h('td', { class: 'mono' }, e.mac),
      h('td', {}, factsLine(e.facts)),
      h('td', {}, time(e.firstSeen)), h('td', {}, time(e.lastSeen)),
      h('td', {}, name, h('button', { type: 'button', class: 'approve', onclick: () => act('approve') }, 'Approve'), h('button', { type: 'button', class: 'reject', onclick: () => act('reject') }, 'Reject')));
    return row;
  });
  return h('section', {}, h('h1', {}, 'Discovery queue'), result,
    h('table', { id: 'discovery' },
      h('thead', {}, h('tr', {}, ...['MAC', 'Facts', 'First seen', 'Last seen', ''].map((c) => h('th', {}, c)))),
      h('tbody', {}, rows.length > 0 ? rows : h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'no machine waiting')))));
}

/** The facts an operator decides by (src/domain/discovery/discovery-facts.ts has them all). */
function factsLine(f: Record<string, any>): string {
  const mem = typeof f.memory?.totalMiB === 'number' ? `${(f.memory.totalMiB / 1024).toFixed(1)} GiB` : undefined;
  const parts = [f.cpu?.model, typeof f.cpu?.cores === 'number' ? `${f.cpu.cores} cores` : undefined, mem,
    Array.isArray(f.disks) ? `${f.disks.length} disk(s)` : undefined, f.dmi?.vendor, f.dmi?.serial];
  return parts.filter((p) => typeof p === 'string' && p !== '').join(' · ');
}
