import type { Page, SecretQuery, SecretRecord, StoreQuery, StoreRecord, Window } from '../../../src/engine/types.ts';

// What a list must return, computed from the records in the order they were inserted: the executable form of the
// paging rules every backend follows.
//
// - Order: by the sort key, ties broken by insertion order, both in the query's direction (so `desc` is exactly the
//   reverse of `asc`). Text sorts by its UTF-8 bytes (SQLite's BINARY, PostgreSQL's COLLATE "C"); a missing comment
//   sorts as the empty one.
// - Filters: `search` is a substring of the name or the comment, ASCII letters compared case-insensitively, every
//   other character (`%`, `_`, `\` too) literally; `scopes`: the secret has every one; `managedBy`: equal.
// - Windows: offset pages; `after` a cursor (or from the start) and `before` a cursor: the `limit` items nearest it
//   in that direction, always returned in list order. `hasMore`: items lie beyond the window in its direction.
//   `total`: every item that matches the filter.

type Key = string | number;

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a), 'utf8'), Buffer.from(String(b), 'utf8'));
}

const SECRET_KEY: Record<SecretQuery['order'], (s: SecretRecord) => Key> = {
  name: (s) => s.name,
  comment: (s) => s.comment ?? '',
  created: (s) => s.created,
  modified: (s) => s.modified,
  status: (s) => s.status,
};

const STORE_KEY: Record<StoreQuery['order'], (s: StoreRecord) => Key> = {
  name: (s) => s.name,
  created: (s) => s.created,
  modified: (s) => s.modified,
};

export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function sorted<T>(inserted: readonly T[], key: (item: T) => Key, direction: 'asc' | 'desc'): T[] {
  const ranked = inserted.map((item, seq) => ({ item, seq, key: key(item) }));
  ranked.sort((a, b) => compareKeys(a.key, b.key) || a.seq - b.seq);
  const items = ranked.map((r) => r.item);
  return direction === 'asc' ? items : items.reverse();
}

/** The page a window of this list is; undefined when the cursor is not an item of it (a validation error). */
export function windowOf<T extends { id: string }>(list: readonly T[], window: Window): Page<T> | undefined {
  const total = list.length;
  switch (window.kind) {
    case 'all':
      return { items: [...list], total, hasMore: false };
    case 'offset': {
      const items = list.slice(window.offset, window.offset + window.limit);
      return { items, total, hasMore: window.offset + items.length < total };
    }
    case 'after': {
      const start = window.cursorId === undefined ? 0 : list.findIndex((x) => x.id === window.cursorId) + 1;
      if (start === 0 && window.cursorId !== undefined) return undefined;
      return { items: list.slice(start, start + window.limit), total, hasMore: list.length > start + window.limit };
    }
    case 'before': {
      const end = list.findIndex((x) => x.id === window.cursorId);
      if (end < 0) return undefined;
      const start = Math.max(0, end - window.limit);
      return { items: list.slice(start, end), total, hasMore: start > 0 };
    }
  }
}

/** The list a secret query walks (before its window), from the secrets in insertion order (any store). */
export function secretList(inserted: readonly SecretRecord[], query: SecretQuery): SecretRecord[] {
  const needle = query.search ? asciiLower(query.search) : undefined;
  const matching = inserted.filter(
    (s) =>
      s.storeId === query.storeId &&
      (needle === undefined || asciiLower(s.name).includes(needle) || (s.comment !== null && asciiLower(s.comment).includes(needle))) &&
      (query.scopes ?? []).every((scope) => s.scopes.includes(scope)),
  );
  return sorted(matching, SECRET_KEY[query.order], query.direction);
}

export function storeList(inserted: readonly StoreRecord[], query: StoreQuery): StoreRecord[] {
  const matching = inserted.filter(
    (s) =>
      s.namespace === query.namespace &&
      s.accountId === query.accountId &&
      (query.managedBy === undefined || s.managedBy === query.managedBy),
  );
  return sorted(matching, STORE_KEY[query.order], query.direction);
}
