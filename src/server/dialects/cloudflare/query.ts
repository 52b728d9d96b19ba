import type { Context } from 'hono';
import { SstoreError } from '../../../errors.ts';
import { SCOPES, type SecretOrder, type SortDirection, type StoreOrder } from '../../../engine/types.ts';

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

function invalid(message: string): SstoreError {
  return new SstoreError('validation', message, { reason: 'invalid_query' });
}

function integer(c: Context, name: string, min: number, max: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw invalid(`${name} must be a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw invalid(`${name} must be between ${min} and ${max}`);
  return n;
}

/** `page` ≥ 1 (0 reads as 1), `per_page` 1–100 (0 or absent: 20). */
export function pageParams(c: Context): { page: number; perPage: number } {
  const page = Math.max(1, integer(c, 'page', 0, Number.MAX_SAFE_INTEGER) ?? 1);
  const perPage = integer(c, 'per_page', 0, MAX_PER_PAGE) || DEFAULT_PER_PAGE;
  return { page, perPage };
}

function oneOf<T extends string>(c: Context, name: string, allowed: readonly T[], fallback: T): T {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw invalid(`${name} must be one of ${allowed.join(', ')}`);
  return raw as T;
}

export function direction(c: Context): SortDirection {
  return oneOf(c, 'direction', ['asc', 'desc'], 'desc');
}

export function storeOrder(c: Context): StoreOrder {
  return oneOf(c, 'order', ['name', 'created', 'modified'], 'created');
}

export function secretOrder(c: Context): SecretOrder {
  return oneOf(c, 'order', ['name', 'comment', 'created', 'modified', 'status'], 'created');
}

/** Both wire forms: repeated keys (`scopes=a&scopes=b`, the SDK) and comma-separated (`scopes=a,b`, the schema). */
export function scopesFilter(c: Context): string[] | undefined {
  const raw = c.req.queries('scopes') ?? c.req.queries('scopes[]');
  if (!raw) return undefined;
  const scopes = raw.flatMap((item) => item.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const scope of scopes) {
    if (!(SCOPES as readonly string[]).includes(scope)) throw invalid(`unknown scope "${scope}" (expected ${SCOPES.join(', ')})`);
  }
  return scopes.length > 0 ? [...new Set(scopes)] : undefined;
}

export function force(c: Context): boolean {
  const raw = c.req.query('force');
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw invalid('force must be true or false');
}
