// Validates list() paging options: offset and limit are non-negative integers; limit defaults to 100.
import { invalid } from '../../domain/errors.ts';
import type { ListOptions } from '../inventory-store.ts';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 10_000;

export function pageWindow(opts: ListOptions): { offset: number; limit: number } {
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset must be a non-negative integer', 'offset');
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_LIMIT) {
    throw invalid(`limit must be an integer from 0 to ${MAX_PAGE_LIMIT}`, 'limit');
  }
  return { offset, limit };
}
