import { type AuditAction, type AuditDetail, type AuditDraft, type AuditEntry, type AuditFilter, chainEntry } from '../audit/entry.ts';

// The audit trail's rows, shared by both backends: the columns, entry ⇄ row, the filter as SQL, and the chain head
// a transaction appends from. Both tables have the same columns; `fields` and `detail` are stored as JSON text.

export const AUDIT_COLUMNS = 'id, time, actor, os_user, action, namespace, store_id, secret_id, name, fields, detail, prev_hash, hash';
export const AUDIT_COLUMN_COUNT = 13;

export type AuditValue = string | number | null;

export function auditRow(e: AuditEntry): AuditValue[] {
  return [
    e.id,
    e.time,
    e.actor,
    e.osUser,
    e.action,
    e.namespace,
    e.storeId,
    e.secretId,
    e.name,
    e.fields === null ? null : JSON.stringify(e.fields),
    e.detail === null ? null : JSON.stringify(e.detail),
    e.prevHash,
    e.hash,
  ];
}

/** A row of AUDIT_COLUMNS (PostgreSQL's BIGINTs arrive as strings or bigints: Number() takes both). */
export function toAuditEntry(row: readonly unknown[]): AuditEntry {
  const text = (i: number) => (row[i] as string | null) ?? null;
  return {
    id: Number(row[0]),
    time: Number(row[1]),
    actor: row[2] as string,
    osUser: text(3),
    action: row[4] as AuditAction,
    namespace: text(5) as AuditEntry['namespace'],
    storeId: text(6),
    secretId: text(7),
    name: text(8),
    fields: row[9] === null || row[9] === undefined ? null : (JSON.parse(row[9] as string) as string[]),
    detail: row[10] === null || row[10] === undefined ? null : (JSON.parse(row[10] as string) as AuditDetail),
    prevHash: row[11] as string,
    hash: row[12] as string,
  };
}

/** The filter as conditions with `?` placeholders (PostgreSQL numbers them), and LIMIT. */
export function auditQuery(filter: AuditFilter): { where: string; params: AuditValue[]; limit: string } {
  const where: string[] = [];
  const params: AuditValue[] = [];
  const add = (condition: string, value: AuditValue) => (where.push(condition), params.push(value));
  if (filter.afterId !== undefined) add('id > ?', filter.afterId);
  if (filter.since !== undefined) add('time >= ?', filter.since);
  if (filter.actor !== undefined) add('actor = ?', filter.actor);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.storeId !== undefined) add('store_id = ?', filter.storeId);
  if (filter.secretName !== undefined) {
    add("action LIKE 'secret.%' AND name = ?", filter.secretName);
  }
  return {
    where: where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`,
    params,
    limit: filter.limit === undefined ? '' : `LIMIT ${Math.max(0, Math.floor(filter.limit))}`,
  };
}

/**
 * The chain as one transaction sees it: the head read once under the write lock, then advanced by every append. A
 * savepoint that is rolled back must roll the head back too (`mark` / `reset`), since its entries are gone.
 */
export class ChainHead {
  private head: { id: number; hash: string } | undefined;

  constructor(head: { id: number; hash: string } | undefined) {
    this.head = head;
  }

  /** The entries for these drafts, chained from the head, which moves past them. */
  next(drafts: readonly AuditDraft[]): AuditEntry[] {
    return drafts.map((d) => {
      const entry = chainEntry(d, this.head);
      this.head = entry;
      return entry;
    });
  }

  mark(): { id: number; hash: string } | undefined {
    return this.head;
  }

  reset(mark: { id: number; hash: string } | undefined): void {
    this.head = mark;
  }
}

/** The prune entry's detail: what was pruned, and the link the first kept entry's prev_hash must match. */
export function pruneDetail(before: number, pruned: number, last: { id: number; hash: string } | undefined): AuditDetail {
  return last ? { pruned, before, lastId: last.id, lastHash: last.hash } : { pruned, before };
}
