// The declarative inventory document (`stage0 apply -f`, `stage0 export`): its type and its validation.
import { DomainError } from '../errors.ts';
import { validateGroup, validateNewNode } from './entity-validation.ts';
import type { Attrs, NewGroup, NewNode } from './types.ts';
import { validateAttrs } from './validate-attrs.ts';

export const INVENTORY_API_VERSION = 'stage0/v1';

/**
 * Desired state. A section that is absent is not managed; inside an entity, a field that is absent is left as it
 * is, and a field that is present replaces the current one whole (attrs included: keys not listed are removed).
 */
export interface InventoryDoc {
  apiVersion: typeof INVENTORY_API_VERSION;
  site?: { attrs: Attrs };
  groups?: NewGroup[];
  nodes?: NewNode[];
}

/** The current inventory as apply/export see it (Site, Group and Node from the store fit). */
export interface InventoryState {
  site: { attrs: Attrs };
  groups: readonly { name: string; attrs: Attrs; version?: number }[];
  nodes: readonly {
    name: string;
    macs: readonly string[];
    groups: readonly string[];
    bmc: string | null;
    attrs: Attrs;
    version?: number;
  }[];
}

const fail = (field: string, message: string): DomainError => new DomainError('invalid', `${field}: ${message}`, { field });
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks and normalises a parsed document (MACs lower-case, etc.); errors name the path, e.g. `nodes[3].macs[0]`. */
export function validateInventoryDoc(input: unknown): InventoryDoc {
  if (!isObject(input)) throw fail('document', 'must be an object with apiVersion, site, groups, nodes');
  for (const key of Object.keys(input)) {
    if (!['apiVersion', 'site', 'groups', 'nodes'].includes(key)) throw fail(key, 'unknown field (expected apiVersion, site, groups, nodes)');
  }
  if (input.apiVersion !== INVENTORY_API_VERSION) {
    throw fail('apiVersion', `must be '${INVENTORY_API_VERSION}', not ${JSON.stringify(input.apiVersion) ?? 'missing'}`);
  }
  const doc: InventoryDoc = { apiVersion: INVENTORY_API_VERSION };
  if (input.site !== undefined) {
    if (!isObject(input.site)) throw fail('site', 'must be an object with attrs');
    for (const key of Object.keys(input.site)) if (key !== 'attrs') throw fail(`site.${key}`, 'unknown field (expected attrs)');
    doc.site = { attrs: validateAttrs(input.site.attrs ?? {}, 'site.attrs') };
  }
  if (input.groups !== undefined) doc.groups = list(input.groups, 'groups', validateGroup);
  if (input.nodes !== undefined) {
    doc.nodes = list(input.nodes, 'nodes', validateNewNode);
    checkMacsUnique(doc.nodes);
  }
  return doc;
}

function list<T extends { name: string }>(input: unknown, field: string, validate: (v: unknown, prefix: string) => T): T[] {
  if (!Array.isArray(input)) throw fail(field, 'must be a list');
  const seen = new Map<string, number>();
  return input.map((item, i) => {
    const entity = validate(item, `${field}[${i}]`);
    const first = seen.get(entity.name);
    if (first !== undefined) throw fail(`${field}[${i}].name`, `'${entity.name}' is listed twice (also ${field}[${first}])`);
    seen.set(entity.name, i);
    return entity;
  });
}

function checkMacsUnique(nodes: readonly NewNode[]): void {
  const owner = new Map<string, number>();
  nodes.forEach((n, i) =>
    n.macs?.forEach((mac, j) => {
      const other = owner.get(mac);
      if (other !== undefined) throw fail(`nodes[${i}].macs[${j}]`, `${mac} is also on nodes[${other}] (${nodes[other]?.name})`);
      owner.set(mac, i);
    }),
  );
}
