// The store interfaces the domain owns. SQLite and PostgreSQL implement them through one kysely layer.
import type {
  Group, GroupPatch, NewEvent, NewGroup, NewNode, Node, NodePatch, Page, Site, StoredEvent, Attrs,
} from '../domain/inventory/types.ts';

export interface ListOptions {
  offset?: number;
  limit?: number;
}

export interface NodeRepo {
  get(name: string): Promise<Node | undefined>;
  getMany(names: readonly string[]): Promise<Node[]>;
  /** Sorted by name (natural order is the caller's business). */
  list(opts?: ListOptions): Promise<Page<Node>>;
  /** Every node, for noderange evaluation; names, groups, macs and attrs. */
  all(): Promise<Node[]>;
  findByMac(mac: string): Promise<Node | undefined>;
  /** Throws DomainError conflict on a duplicate name or MAC. */
  create(node: NewNode): Promise<Node>;
  /** Replaces the given fields. `expectedVersion` (if given) must match or DomainError precondition-failed. */
  update(name: string, patch: NodePatch, expectedVersion?: number): Promise<Node>;
  remove(name: string, expectedVersion?: number): Promise<void>;
}

export interface GroupRepo {
  get(name: string): Promise<Group | undefined>;
  list(opts?: ListOptions): Promise<Page<Group>>;
  all(): Promise<Group[]>;
  create(group: NewGroup): Promise<Group>;
  update(name: string, patch: GroupPatch, expectedVersion?: number): Promise<Group>;
  /**
   * Deletes the group's attribute row. Membership is implicit (as in xCAT): nodes may list groups that have no
   * row, so removing a group's row never touches node membership.
   */
  remove(name: string, expectedVersion?: number): Promise<void>;
}

export interface SiteRepo {
  get(): Promise<Site>;
  set(attrs: Attrs, expectedVersion?: number): Promise<Site>;
}

export interface EventQuery {
  nodes?: readonly string[];
  kinds?: readonly string[];
  /** Only events with id > afterId (cursor paging, oldest first). */
  afterId?: number;
  since?: string;
  limit?: number;
}

export interface EventLog {
  append(events: readonly NewEvent[]): Promise<StoredEvent[]>;
  /**
   * Appends like `append` but returns nothing: for the batching sink, which writes thousands of events a second from
   * hot paths and never reads them back (returning and decoding the rows was a fifth of the boot-script path's time).
   */
  record?(events: readonly NewEvent[]): Promise<void>;
  query(q?: EventQuery): Promise<StoredEvent[]>;
}

/** Repositories bound to one transaction (or to autocommit outside one). */
export interface InventoryRepos {
  nodes: NodeRepo;
  groups: GroupRepo;
  site: SiteRepo;
  events: EventLog;
}

export interface InventoryStore extends InventoryRepos {
  /**
   * A number that changes whenever nodes, groups or the site change, by any writer (another controller too).
   * Cheap to read: callers cache the inventory and reload it only when this has moved.
   */
  generation(): Promise<number>;
  /** Runs fn in one transaction: all or nothing. */
  transaction<T>(fn: (tx: InventoryRepos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
