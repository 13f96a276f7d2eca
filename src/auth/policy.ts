// The policy table (as in xCAT): the first row by priority that matches the caller and the command decides; no row, deny.
import type { PolicyRow, User } from './auth-store.ts';

export type Principal = Pick<User, 'name' | 'roles' | 'groups'>;

export interface Decision {
  allowed: boolean;
  /** The deciding row (none when nothing matched). */
  row?: PolicyRow;
  /** Why, in words an operator can act on (goes into the 403 detail). */
  reason: string;
  /** Requested nodes outside the deciding row's noderange. */
  outside?: string[];
}

/** Resolves a noderange to node names (names not in the inventory yet are kept, so creating n05 can be allowed). */
export type RangeResolver = (range: string) => Promise<readonly string[]>;

/** `*` in a command pattern matches any run of characters: '*' is every command, '*.read' every read command. */
export function commandMatches(pattern: string, command: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === command;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(command);
}

export function subjectMatches(subject: string, who: Principal): boolean {
  if (subject === '*') return true;
  const [kind, name] = [subject.slice(0, subject.indexOf(':')), subject.slice(subject.indexOf(':') + 1)];
  if (kind === 'user') return who.name === name;
  if (kind === 'group') return who.groups.includes(name);
  if (kind === 'role') return who.roles.includes(name);
  return false;
}

export function byPriority(rows: readonly PolicyRow[]): PolicyRow[] {
  return [...rows].sort((a, b) => a.priority - b.priority || a.id - b.id);
}

/**
 * Decides one request. `nodes` is what the request acts on, or undefined when it names no nodes. A row with a
 * noderange covers only node requests: if none of the nodes lie in it the row does not apply; if some lie outside,
 * an allow row denies the request and names them (rights limited to rack2 never stretch to rack3).
 */
export async function decide(rows: readonly PolicyRow[], who: Principal, command: string, nodes: readonly string[] | undefined, resolve: RangeResolver): Promise<Decision> {
  for (const row of byPriority(rows)) {
    if (!subjectMatches(row.subject, who) || !row.commands.some((c) => commandMatches(c, command))) continue;
    if (row.noderange === null) return { allowed: row.effect === 'allow', row, reason: `policy row ${row.id} (${row.subject}) ${row.effect}s ${command}` };
    if (nodes === undefined) continue;
    const inRange = new Set(await resolve(row.noderange));
    const outside = nodes.filter((n) => !inRange.has(n));
    if (nodes.length > 0 && outside.length === nodes.length) continue;
    if (row.effect === 'deny') return { allowed: false, row, reason: `policy row ${row.id} (${row.subject}) denies ${command} on ${row.noderange}` };
    if (outside.length === 0) return { allowed: true, row, reason: `policy row ${row.id} (${row.subject}) allows ${command} on ${row.noderange}` };
    return {
      allowed: false,
      row,
      outside,
      reason: `policy row ${row.id} (${row.subject}) allows ${command} only on ${row.noderange}; not on ${summarize(outside)}`,
    };
  }
  // Name the nodes: "may not run nodeset" reads as no right at all when the operator has it on other nodes.
  const on = nodes && nodes.length > 0 ? ` on ${summarize(nodes)}` : '';
  return { allowed: false, reason: `no policy row allows ${who.name} to run ${command}${on}`, ...(nodes && nodes.length > 0 && { outside: [...nodes] }) };
}

function summarize(names: readonly string[]): string {
  return names.length <= 20 ? names.join(',') : `${names.slice(0, 20).join(',')},… (${names.length} nodes)`;
}

/** The rows a new installation starts with (migration 006 inserts them). */
export const BUILT_IN_POLICY: readonly Omit<PolicyRow, 'id'>[] = [
  { priority: 10, subject: 'role:admin', commands: ['*'], noderange: null, effect: 'allow', comment: 'built in: administrators may do everything' },
  { priority: 20, subject: '*', commands: ['auth.self'], noderange: null, effect: 'allow', comment: 'built in: every user may see and manage their own login, password and tokens' },
  { priority: 30, subject: 'role:viewer', commands: ['nodels', 'lsdef', 'nodeset.stat', '*.read'], noderange: null, effect: 'allow', comment: 'built in: read-only access' },
];
