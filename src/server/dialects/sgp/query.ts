import type { Context } from 'hono';
import type { SecretOrder, SortDirection, Window } from '../../../engine/types.ts';
import { FastApiValidationError, invalidQuery } from './errors.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

/** `sort_by` values (SGP does not document them; UNCONFIRMED): the response fields that can be ordered. */
const SORT_COLUMNS: Record<string, SecretOrder> = {
  created_at: 'created',
  updated_at: 'modified',
  key: 'name',
  description: 'comment',
};

export interface ListParams {
  limit: number;
  order: SecretOrder;
  direction: SortDirection;
  window: Window;
}

function limitOf(c: Context): number {
  const raw = c.req.query('limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw invalidQuery('limit', 'Input should be a valid integer, unable to parse string as an integer', 'int_parsing');
  const n = Number(raw);
  if (n < 1) throw invalidQuery('limit', 'Input should be greater than or equal to 1', 'greater_than_equal');
  if (n > MAX_LIMIT) throw invalidQuery('limit', `Input should be less than or equal to ${MAX_LIMIT}`, 'less_than_equal');
  return n;
}

/** Stripe-style cursors: newest first by default; `starting_after`/`ending_before` name an item id of the list. */
export function listParams(c: Context): ListParams {
  const limit = limitOf(c);
  const sortBy = c.req.query('sort_by') ?? 'created_at';
  // Object.hasOwn: `sort_by=constructor` must not find Object.prototype's.
  const order = Object.hasOwn(SORT_COLUMNS, sortBy) ? SORT_COLUMNS[sortBy] : undefined;
  if (!order) {
    const allowed = Object.keys(SORT_COLUMNS).map((k) => `'${k}'`);
    throw invalidQuery('sort_by', `Input should be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`, 'enum');
  }
  const sortOrder = c.req.query('sort_order') ?? 'desc';
  if (sortOrder !== 'asc' && sortOrder !== 'desc') throw invalidQuery('sort_order', "Input should be 'asc' or 'desc'", 'enum');
  const after = c.req.query('starting_after') || undefined;
  const before = c.req.query('ending_before') || undefined;
  if (after !== undefined && before !== undefined) {
    throw new FastApiValidationError([
      { loc: ['query', 'ending_before'], msg: 'Value error, starting_after and ending_before cannot be used together', type: 'value_error' },
    ]);
  }
  const window: Window = before !== undefined ? { kind: 'before', cursorId: before, limit } : { kind: 'after', cursorId: after, limit };
  return { limit, order, direction: sortOrder, window };
}
