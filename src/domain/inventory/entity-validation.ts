// Validates node and group input (API bodies, CLI arguments, documents) into clean NewNode/NodePatch/NewGroup.
import { DomainError } from '../errors.ts';
import { normalizeMacList } from './mac-address.ts';
import type { GroupPatch, NewGroup, NewNode, NodePatch } from './types.ts';
import { validateAttrs } from './validate-attrs.ts';

/** Node and group names; the same characters noderanges accept as a name. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** `all` is the noderange keyword for every node, so nothing may be called that. */
const RESERVED = new Set(['all']);

const fail = (field: string, message: string): DomainError => new DomainError('invalid', `${field}: ${message}`, { field });
const shown = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));

function checkName(kind: string, name: unknown, field: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw fail(field, `${shown(name)} is not a valid ${kind} name (letter or digit first, then letters, digits, '.', '_', '-'; at most 63)`);
  }
  if (RESERVED.has(name)) throw fail(field, `'${name}' is reserved (it means every node in a noderange)`);
  return name;
}

export const validateNodeName = (name: unknown, field = 'name'): string => checkName('node', name, field);
export const validateGroupName = (name: unknown, field = 'name'): string => checkName('group', name, field);

function asObject(input: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw fail(field || 'body', 'must be an object');
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) throw fail(field ? `${field}.${key}` : key, `unknown field (expected one of ${allowed.join(', ')})`);
  }
  return input as Record<string, unknown>;
}

const at = (prefix: string, key: string): string => (prefix ? `${prefix}.${key}` : key);

function groupList(input: unknown, field: string): string[] {
  if (!Array.isArray(input)) throw fail(field, 'must be a list of group names');
  const seen = new Set<string>();
  return input.map((g, i) => {
    const name = validateGroupName(g, `${field}[${i}]`);
    if (seen.has(name)) throw fail(`${field}[${i}]`, `group '${name}' is listed twice`);
    seen.add(name);
    return name;
  });
}

function bmcRef(input: unknown, field: string): string | null {
  return input === null ? null : checkName('BMC', input, field);
}

const NODE_FIELDS = ['name', 'macs', 'groups', 'bmc', 'attrs'] as const;

/** `prefix` is prepended to field names, e.g. 'nodes[3]' gives 'nodes[3].macs[0]'. */
export function validateNewNode(input: unknown, prefix = ''): NewNode {
  const o = asObject(input, prefix, NODE_FIELDS);
  const node: NewNode = { name: validateNodeName(o.name, at(prefix, 'name')) };
  Object.assign(node, validateNodeFields(o, prefix));
  return node;
}

export function validateNodePatch(input: unknown, prefix = ''): NodePatch {
  return validateNodeFields(asObject(input, prefix, NODE_FIELDS.slice(1)), prefix);
}

function validateNodeFields(o: Record<string, unknown>, prefix: string): NodePatch {
  const patch: NodePatch = {};
  if (o.macs !== undefined) patch.macs = normalizeMacList(o.macs, at(prefix, 'macs'));
  if (o.groups !== undefined) patch.groups = groupList(o.groups, at(prefix, 'groups'));
  if (o.bmc !== undefined) patch.bmc = bmcRef(o.bmc, at(prefix, 'bmc'));
  if (o.attrs !== undefined) patch.attrs = validateAttrs(o.attrs, at(prefix, 'attrs'));
  return patch;
}

export function validateGroup(input: unknown, prefix = ''): NewGroup {
  const o = asObject(input, prefix, ['name', 'attrs']);
  const group: NewGroup = { name: validateGroupName(o.name, at(prefix, 'name')) };
  if (o.attrs !== undefined) group.attrs = validateAttrs(o.attrs, at(prefix, 'attrs'));
  return group;
}

export function validateGroupPatch(input: unknown, prefix = ''): GroupPatch {
  const o = asObject(input, prefix, ['attrs']);
  return o.attrs === undefined ? {} : { attrs: validateAttrs(o.attrs, at(prefix, 'attrs')) };
}
