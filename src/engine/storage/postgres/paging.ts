import { SstoreError } from '../../../errors.ts';
import type { Page, SortDirection, Window } from '../../types.ts';
import type { Queryable } from './pool.ts';

/** `?` placeholders numbered as PostgreSQL wants them ($1, $2, …): filters are built from parts. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export const SECRET_ORDER_COLUMN = {
  name: 'name',
  comment: "COALESCE(comment, '')",
  created: 'created',
  modified: 'modified',
  status: 'status',
} as const;

export const STORE_ORDER_COLUMN = { name: 'name', created: 'created', modified: 'modified' } as const;

/** `%text%` for LIKE, with LIKE's own characters taken literally (backslash is PostgreSQL's default escape). */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface PageQuery<T> {
  table: 'sstore_stores' | 'sstore_secrets';
  columns: string;
  /** Conditions joined with AND, with `?` placeholders for `params`. */
  where: string[];
  params: unknown[];
  orderColumn: string;
  direction: SortDirection;
  window: Window;
  map: (row: unknown[]) => T;
  /** The total when the caller knows it without counting (a store's secret counter). */
  knownTotal?: number;
}

/**
 * One ordering for offset pages and keyset cursors, as the SQLite backend has: the sort column, then `seq` (the
 * insertion order) as the tie-break, so that pages never skip or repeat a row. The cursor row is looked up within
 * the same filter: an id from another list is refused, as SQLite refuses it.
 */
export async function page<T>(q: Queryable, query: PageQuery<T>): Promise<Page<T>> {
  const { table, columns, params, orderColumn, window, map } = query;
  const filter = query.where.join(' AND ');
  const total =
    query.knownTotal ?? Number((await q.rows(numbered(`SELECT COUNT(*) FROM ${table} WHERE ${filter}`), params))[0]![0]);
  const asc = query.direction === 'asc';
  const orderBy = (forward: boolean) => {
    const dir = forward === asc ? 'ASC' : 'DESC';
    return `ORDER BY ${orderColumn} ${dir}, seq ${dir}`;
  };
  if (window.kind === 'all') {
    const rows = await q.rows(numbered(`SELECT ${columns} FROM ${table} WHERE ${filter} ${orderBy(true)}`), params);
    return { items: rows.map(map), total, hasMore: false };
  }
  if (window.kind === 'offset') {
    const rows = await q.rows(numbered(`SELECT ${columns} FROM ${table} WHERE ${filter} ${orderBy(true)} LIMIT ? OFFSET ?`), [
      ...params,
      window.limit,
      window.offset,
    ]);
    return { items: rows.map(map), total, hasMore: window.offset + rows.length < total };
  }
  const forward = window.kind === 'after';
  let keyset = '';
  const keysetParams: unknown[] = [];
  if (window.cursorId !== undefined) {
    const [cursor] = await q.rows(numbered(`SELECT ${orderColumn}, seq FROM ${table} WHERE id = ? AND ${filter}`), [
      window.cursorId,
      ...params,
    ]);
    if (!cursor) throw new SstoreError('validation', `cursor "${window.cursorId}" is not an item of this list`, { reason: 'invalid_cursor' });
    // A row comparison, which PostgreSQL answers from the (column, seq) order instead of filtering from the start.
    keyset = ` AND (${orderColumn}, seq) ${forward === asc ? '>' : '<'} (?, ?)`;
    keysetParams.push(cursor[0], cursor[1]);
  }
  const rows = await q.rows(numbered(`SELECT ${columns} FROM ${table} WHERE ${filter}${keyset} ${orderBy(forward)} LIMIT ?`), [
    ...params,
    ...keysetParams,
    window.limit + 1,
  ]);
  const hasMore = rows.length > window.limit;
  const kept = rows.slice(0, window.limit);
  if (!forward) kept.reverse();
  return { items: kept.map(map), total, hasMore };
}
