// Domain errors carry a kind; the API, CLI and services translate them at their edge.

export type ErrorKind =
  | 'not-found'
  | 'conflict' // duplicate name or MAC, unique constraint
  | 'invalid' // bad input: a field, a noderange, an attribute value
  | 'precondition-failed' // stale version / ETag
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable';

export class DomainError extends Error {
  readonly kind: ErrorKind;
  /** The input field at fault, as a JSON pointer-ish path (e.g. "attrs.ip", "macs[1]"). */
  readonly field: string | undefined;
  /** Extra facts for the client, e.g. the position of a syntax error. */
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DomainError';
    this.kind = kind;
    this.field = opts.field;
    this.details = opts.details;
  }
}

export const notFound = (what: string, field?: string) => new DomainError('not-found', `${what} not found`, { field });
export const conflict = (message: string, field?: string) => new DomainError('conflict', message, { field });
/** A lost race or a duplicate: what callers that retry, or that treat "already there" as done, catch. */
export const isConflict = (e: unknown): e is DomainError => e instanceof DomainError && e.kind === 'conflict';
export const invalid = (message: string, field?: string, details?: Record<string, unknown>) =>
  new DomainError('invalid', message, { field, details });
export const stale = (what: string, expected: number, actual: number) =>
  new DomainError('precondition-failed', `${what} was changed by someone else (version ${actual}, you had ${expected})`, {
    details: { expected, actual },
  });
