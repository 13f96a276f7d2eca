// Attributes and event details are stored as JSON text, the one JSON form both SQLite and PostgreSQL share.
import { invalid } from '../../domain/errors.ts';
import type { Attrs } from '../../domain/inventory/types.ts';

/** Serialises attributes, refusing values JSON would silently change (objects, NaN, Infinity). */
export function encodeAttrs(attrs: Attrs | undefined): string {
  if (attrs === undefined) return '{}';
  for (const [k, v] of Object.entries(attrs)) {
    const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw invalid(`attribute ${k} must be a string, a finite number or a boolean`, `attrs.${k}`);
  }
  return JSON.stringify(attrs);
}

export function decodeAttrs(text: string): Attrs {
  return JSON.parse(text) as Attrs;
}

export function encodeDetails(details: Record<string, unknown>): string {
  return JSON.stringify(details ?? {});
}

export function decodeDetails(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}
