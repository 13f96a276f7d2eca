// Turns unique/foreign-key violations from either driver into DomainError conflict at the store's edge.
import { DomainError } from '../../domain/errors.ts';

/** Which input field a violated table stands for. */
const FIELD_OF_TABLE: Record<string, string> = {
  nodes: 'name', groups: 'name', node_macs: 'macs', node_groups: 'groups', leases: 'mac', // leases: the one-lease-per-MAC index
};

interface DriverError {
  code?: unknown;
  message?: unknown;
  table?: unknown; // pg
  detail?: unknown; // pg: "Key (mac)=(aa:bb:..) already exists."
}

/**
 * Returns a DomainError for a constraint violation (SQLite SQLITE_CONSTRAINT_*, PostgreSQL 23505/23503), or the
 * error unchanged. The repositories check conflicts first so that messages can name the holder; this is the net
 * for races between concurrent writers.
 */
export function mapConstraintError(err: unknown): unknown {
  if (err instanceof DomainError || typeof err !== 'object' || err === null) return err;
  const e = err as DriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: node_macs.mac"
    const table = /failed: (\w+)\./.exec(message)?.[1] ?? '';
    return new DomainError('conflict', `already exists (${message})`, { field: FIELD_OF_TABLE[table], cause: err });
  }
  if (code === '23505') {
    const table = typeof e.table === 'string' ? e.table : '';
    const detail = typeof e.detail === 'string' ? e.detail : message;
    return new DomainError('conflict', detail, { field: FIELD_OF_TABLE[table], cause: err });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') {
    return new DomainError('conflict', `referenced row is missing or still in use (${message})`, { cause: err });
  }
  return err;
}

/** Awaits `p`, translating constraint violations. */
export async function translatingConstraints<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw mapConstraintError(err);
  }
}
