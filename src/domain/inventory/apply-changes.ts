// Applies a plan to an in-memory inventory: previews (`apply --dry-run` showing the result) and tests.
import { DomainError } from '../errors.ts';
import type { Change } from './apply-plan.ts';
import type { InventoryState } from './inventory-doc.ts';

type MutableNode = { name: string; macs: string[]; groups: string[]; bmc: string | null; attrs: InventoryState['site']['attrs'] };

/**
 * Returns the state after `changes`, enforcing what the store enforces (unique names and MACs), so a plan whose
 * order would trip a real store fails here too. Versions are not tracked.
 */
export function applyChanges(state: InventoryState, changes: readonly Change[]): InventoryState {
  let site = { attrs: { ...state.site.attrs } };
  const groups = new Map(state.groups.map((g) => [g.name, { name: g.name, attrs: { ...g.attrs } }]));
  const nodes = new Map<string, MutableNode>(
    state.nodes.map((n) => [n.name, { name: n.name, macs: [...n.macs], groups: [...n.groups], bmc: n.bmc, attrs: { ...n.attrs } }]),
  );
  const checkMacs = (node: MutableNode): void => {
    for (const other of nodes.values()) {
      if (other.name === node.name) continue;
      const clash = node.macs.find((m) => other.macs.includes(m));
      if (clash) throw new DomainError('conflict', `MAC ${clash} of ${node.name} is already on ${other.name}`, { field: 'macs' });
    }
  };
  for (const c of changes) {
    if (c.kind === 'site') site = { attrs: { ...c.attrs } };
    else if (c.kind === 'group') {
      if (c.action === 'delete') groups.delete(c.name);
      else if (c.action === 'create') {
        if (groups.has(c.name)) throw new DomainError('conflict', `group '${c.name}' already exists`);
        groups.set(c.name, { name: c.name, attrs: { ...(c.group.attrs ?? {}) } });
      } else {
        const g = groups.get(c.name);
        if (!g) throw new DomainError('not-found', `group '${c.name}' not found`);
        if (c.patch.attrs) g.attrs = { ...c.patch.attrs };
      }
    } else if (c.action === 'delete') nodes.delete(c.name);
    else {
      const base = c.action === 'create' ? undefined : nodes.get(c.name);
      if (c.action === 'create' && nodes.has(c.name)) throw new DomainError('conflict', `node '${c.name}' already exists`);
      if (c.action === 'update' && !base) throw new DomainError('not-found', `node '${c.name}' not found`);
      const fields = c.action === 'create' ? c.node : c.patch;
      const next: MutableNode = {
        name: c.name,
        macs: [...(fields.macs ?? base?.macs ?? [])],
        groups: [...(fields.groups ?? base?.groups ?? [])],
        bmc: fields.bmc !== undefined ? fields.bmc : (base?.bmc ?? null),
        attrs: { ...(fields.attrs ?? base?.attrs ?? {}) },
      };
      checkMacs(next);
      nodes.set(c.name, next);
    }
  }
  return { site, groups: [...groups.values()], nodes: [...nodes.values()] };
}
