import type { SQLInputValue } from 'node:sqlite';
import { SstoreError } from '../../../errors.ts';
import type { Page, SecretQuery, SecretRecord, SortDirection, StoreQuery, StoreRecord, Window } from '../../types.ts';
import type { Caches } from './caches.ts';
import type { Connection, Values } from './connection.ts';
import { SECRET_COLUMNS, STORE_COLUMNS, toSecret, toStore } from './rows.ts';

// Lists: one ordering for offset pages and keyset cursors (the sort column, then `seq`, the insertion order, as the
// tie-break), the filters as SQL, and the offset anchors that make deep pages cheap.

const SECRET_ORDER_COLUMN = {
  name: 'name',
  comment: "COALESCE(comment, '')",
  created: 'created',
  modified: 'modified',
  status: 'status',
} as const;

const STORE_ORDER_COLUMN = { name: 'name', created: 'created', modified: 'modified' } as const;

/** A list before its window: which rows, in which order, and how a row becomes a record. */
interface List<T> {
  table: 'stores' | 'secrets';
  columns: string;
  where: string[];
  params: SQLInputValue[];
  orderColumn: string;
  direction: SortDirection;
  map: (row: Values) => T;
  /** The total when it is known without a COUNT(*). */
  knownTotal?: number;
}

/** LIKE's metacharacters taken literally (with `ESCAPE '\'`); LIKE itself is case-insensitive for ASCII only. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function listStores(c: Connection, caches: Caches, query: StoreQuery): Page<StoreRecord> {
  const where = ['namespace = ?', 'account_id = ?'];
  const params: SQLInputValue[] = [query.namespace, query.accountId];
  if (query.managedBy !== undefined) {
    where.push('managed_by = ?');
    params.push(query.managedBy);
  }
  const orderColumn = STORE_ORDER_COLUMN[query.order];
  return page(c, caches, { table: 'stores', columns: STORE_COLUMNS, where, params, orderColumn, direction: query.direction, map: toStore }, query.window);
}

export function listSecrets(c: Connection, caches: Caches, query: SecretQuery): Page<SecretRecord> {
  const where = ['store_id = ?'];
  const params: SQLInputValue[] = [query.storeId];
  if (query.search) {
    const pattern = `%${escapeLike(query.search)}%`;
    where.push("(name LIKE ? ESCAPE '\\' OR comment LIKE ? ESCAPE '\\')");
    params.push(pattern, pattern);
  }
  for (const scope of query.scopes ?? []) {
    where.push("scopes LIKE ? ESCAPE '\\'");
    params.push(`%,${escapeLike(scope)},%`);
  }
  const list: List<SecretRecord> = {
    table: 'secrets',
    columns: SECRET_COLUMNS,
    where,
    params,
    orderColumn: SECRET_ORDER_COLUMN[query.order],
    direction: query.direction,
    map: toSecret,
  };
  // Unfiltered, the total is the store's counter instead of a COUNT(*) over its index.
  if (where.length === 1) {
    list.knownTotal = (c.stmt('SELECT secret_count AS n FROM stores WHERE id = ?').get(query.storeId) as { n: number } | undefined)?.n ?? 0;
  }
  return page(c, caches, list, query.window);
}

function page<T>(c: Connection, caches: Caches, list: List<T>, window: Window): Page<T> {
  const { table, columns, params, orderColumn, map } = list;
  const filter = list.where.join(' AND ');
  const total = list.knownTotal ?? (c.stmt(`SELECT COUNT(*) AS n FROM ${table} WHERE ${filter}`).get(...params) as { n: number }).n;
  const asc = list.direction === 'asc';
  const orderBy = (forward: boolean) => {
    const dir = forward === asc ? 'ASC' : 'DESC';
    return `ORDER BY ${orderColumn} ${dir}, seq ${dir}`;
  };
  if (window.kind === 'all') {
    const rows = c.rows(`SELECT ${columns} FROM ${table} WHERE ${filter} ${orderBy(true)}`).all(...params);
    return { items: rows.map(map), total, hasMore: false };
  }
  if (window.kind === 'offset') {
    const rows = offsetRows(c, caches, list, filter, asc, orderBy(true), window.offset, window.limit);
    return { items: rows.map(map), total, hasMore: window.offset + rows.length < total };
  }
  const forward = window.kind === 'after';
  let keyset = '';
  const keysetParams: SQLInputValue[] = [];
  if (window.cursorId !== undefined) {
    const cursor = c.stmt(`SELECT ${orderColumn} AS k, seq FROM ${table} WHERE id = ? AND ${filter}`).get(window.cursorId, ...params) as
      | { k: SQLInputValue; seq: number }
      | undefined;
    if (!cursor) throw new SstoreError('validation', `cursor "${window.cursorId}" is not an item of this list`, { reason: 'invalid_cursor' });
    // A row value, so that SQLite seeks on the index instead of filtering from the start of the list.
    keyset = ` AND (${orderColumn}, seq) ${forward === asc ? '>' : '<'} (?, ?)`;
    keysetParams.push(cursor.k, cursor.seq);
  }
  const rows = c.rows(`SELECT ${columns} FROM ${table} WHERE ${filter}${keyset} ${orderBy(forward)} LIMIT ?`).all(
    ...params,
    ...keysetParams,
    window.limit + 1,
  );
  const hasMore = rows.length > window.limit;
  const kept = rows.slice(0, window.limit);
  if (!forward) kept.reverse();
  return { items: kept.map(map), total, hasMore };
}

/**
 * One offset page. Where a page ends is remembered (its last row's sort key and seq, under the list and the next
 * offset), so the next page seeks there through the index instead of walking `offset` entries: paging through a
 * store, as clients do, costs the same on page 100 as on page 1. Those anchors are dropped with the other caches
 * (another process's commit) and by every write of this connection. Without an anchor, the offset is walked over
 * `seq` alone (a covering walk of the index, no table row read) and only the page's rows are fetched.
 */
function offsetRows<T>(
  c: Connection,
  caches: Caches,
  { table, columns, params, orderColumn }: List<T>,
  filter: string,
  asc: boolean,
  orderBy: string,
  offset: number,
  limit: number,
): Values[] {
  const list = `${table}\u0000${filter}\u0000${orderColumn}\u0000${asc}\u0000${params.join('\u0000')}\u0000`;
  const anchor = offset > 0 ? caches.anchors.get(`${list}${offset}`) : undefined;
  const selected = `SELECT ${columns}, ${orderColumn} AS anchor_key, seq AS anchor_seq FROM ${table}`;
  const rows = anchor
    ? c.rows(`${selected} WHERE ${filter} AND (${orderColumn}, seq) ${asc ? '>' : '<'} (?, ?) ${orderBy} LIMIT ?`).all(
        ...params,
        anchor.key,
        anchor.seq,
        limit,
      )
    : c.rows(`${selected} WHERE seq IN (SELECT seq FROM ${table} WHERE ${filter} ${orderBy} LIMIT ? OFFSET ?) ${orderBy}`).all(
        ...params,
        limit,
        offset,
      );
  const last = rows.at(-1);
  if (last && rows.length === limit && caches.enabled) {
    // anchor_key and anchor_seq are the last two values of a row; the mapping reads only the columns before them.
    caches.anchors.set(`${list}${offset + limit}`, { key: last.at(-2) as SQLInputValue, seq: last.at(-1) as number });
  }
  return rows;
}
