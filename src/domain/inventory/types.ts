// Inventory entities as the domain sees them: no SQL, no HTTP.

/** A scalar attribute value. Lists are comma-joined strings, as in xCAT tables. */
export type AttrValue = string | number | boolean;
export type Attrs = Record<string, AttrValue>;

export interface Node {
  name: string;
  /** Lower-case, colon-separated MACs; unique across all nodes. */
  macs: string[];
  /** Ordered: later groups override earlier ones. */
  groups: string[];
  /** Name of a BMC (address/driver live in attributes `bmc.*`); optional reference. */
  bmc: string | null;
  attrs: Attrs;
  /** Monotonic per-row version, the source of ETags. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Group {
  name: string;
  attrs: Attrs;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Site {
  attrs: Attrs;
  version: number;
  updatedAt: string;
}

export type NewNode = Pick<Node, 'name'> & Partial<Pick<Node, 'macs' | 'groups' | 'bmc' | 'attrs'>>;
export type NodePatch = Partial<Pick<Node, 'macs' | 'groups' | 'bmc' | 'attrs'>>;
export type NewGroup = Pick<Group, 'name'> & Partial<Pick<Group, 'attrs'>>;
export type GroupPatch = Partial<Pick<Group, 'attrs'>>;

/** One line of the append-only event log. */
export interface StoredEvent {
  id: number;
  time: string;
  actor: string;
  node: string | null;
  kind: string;
  details: Record<string, unknown>;
}
export type NewEvent = Omit<StoredEvent, 'id' | 'time'> & { time?: string };

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}
