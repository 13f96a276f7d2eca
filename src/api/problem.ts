// RFC 9457 problem details: every error leaves the API as application/problem+json naming the field at fault.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorKind } from '../domain/errors.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Each invalid field with its own message. */
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}

const statusOf: Record<ErrorKind, number> = {
  'not-found': 404,
  conflict: 409,
  invalid: 422,
  'precondition-failed': 412,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
};

const titleOf: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class HttpProblem extends Error {
  constructor(readonly status: number, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

/** "/attrs/ip" → "attrs.ip"; "/macs/1" → "macs[1]" */
export function fieldOf(instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(body)';
}

export function toProblem(err: unknown, instance?: string): Problem {
  if (err instanceof DomainError) {
    const status = statusOf[err.kind];
    return {
      type: `https://stage0.dev/problems/${err.kind}`,
      title: titleOf[status] ?? 'Error',
      status,
      detail: err.message,
      instance,
      ...(err.field && { errors: [{ field: err.field, message: err.message }] }),
      ...err.details,
    };
  }
  if (err instanceof HttpProblem) {
    return { type: 'about:blank', title: titleOf[err.status] ?? 'Error', status: err.status, detail: err.message, instance, ...err.extra };
  }
  const fe = err as FastifyError & { validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[]; validationContext?: string };
  if (fe.validation) {
    const where = fe.validationContext ?? 'body';
    const errors = fe.validation.map((v) => {
      const missing = typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : undefined;
      const extra = typeof v.params?.additionalProperty === 'string' ? v.params.additionalProperty : undefined;
      const field = fieldOf(v.instancePath, missing ?? extra);
      const message = extra ? `unknown field '${extra}'` : `${v.message ?? 'is invalid'}`;
      return { field: where === 'body' ? field : `${where}.${field}`, message: `${field} ${message}` };
    });
    return {
      type: 'https://stage0.dev/problems/invalid',
      title: 'Bad Request',
      status: 400,
      detail: errors.map((e) => e.message).join('; '),
      instance,
      errors,
    };
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
  return { type: 'about:blank', title: titleOf[status] ?? 'Error', status, detail: status === 500 ? 'internal error (see the server log)' : fe.message, instance };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: unknown): FastifyReply {
  const problem = toProblem(err, request.url);
  if (problem.status >= 500) request.log.error({ err }, 'request failed');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
