// What the auth hooks attach to each request: the caller, the policy rows read for it, and what the audit will record.
import type { FastifyRequest } from 'fastify';
import type { Credential, PolicyRow, User } from '../auth-store.ts';

export interface RequestAuth {
  user?: User;
  credential?: Credential;
  /** Policy rows, read once per request. */
  rows?: PolicyRow[];
}

export interface RequestAudit {
  /** The nodes the request acts on (set by the policy check, or by the route). */
  nodes?: string[];
  /** before/after summaries and other facts the route wants kept. */
  details?: Record<string, unknown>;
  /** Who the request claims to be when it is not authenticated yet (login). */
  user?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
    audit: RequestAudit;
  }
}

/** Routes call this to put a before/after summary (or other facts) into the audit entry of the current request. */
export function auditChange(req: FastifyRequest, details: { before?: unknown; after?: unknown; [k: string]: unknown }): void {
  req.audit = { ...req.audit, details: { ...req.audit?.details, ...details } };
}
