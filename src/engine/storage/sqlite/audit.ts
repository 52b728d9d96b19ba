import type { AuditDraft, AuditEntry, AuditFilter } from '../../audit/entry.ts';
import { AUDIT_COLUMN_COUNT, AUDIT_COLUMNS, auditQuery, auditRow, ChainHead, pruneDetail, toAuditEntry } from '../audit-rows.ts';
import type { Connection } from './connection.ts';

// The audit trail on SQLite. Appends run inside the caller's `BEGIN IMMEDIATE` transaction: the write lock orders
// every writer of the file, so the head read here cannot move before the commit.

export function chainHead(c: Connection): ChainHead {
  const row = c.rows('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get();
  return new ChainHead(row ? { id: row[0] as number, hash: row[1] as string } : undefined);
}

/** Appends the drafts after `head` (read from the file when not given), inside the caller's transaction. */
export function appendEntries(c: Connection, drafts: readonly AuditDraft[], head: ChainHead = chainHead(c)): AuditEntry[] {
  if (drafts.length === 0) return [];
  const entries = head.next(drafts);
  insertEntries(c, entries);
  return entries;
}

/** Entries as they are (ids and hashes kept): appends and imports. */
export function insertEntries(c: Connection, entries: readonly AuditEntry[]): void {
  const insert = c.stmt(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (${Array(AUDIT_COLUMN_COUNT).fill('?').join(', ')})`);
  for (const entry of entries) insert.run(...auditRow(entry));
}

export function listAudit(c: Connection, filter: AuditFilter): AuditEntry[] {
  const { where, params, limit } = auditQuery(filter);
  return c.rows(`SELECT ${AUDIT_COLUMNS} FROM audit ${where} ORDER BY id ${limit}`).all(...params).map(toAuditEntry);
}

/**
 * Deletes the oldest entries up to the newest one older than `before`: always a prefix of the ids (times may be a
 * little out of id order between concurrent writers), so the rest still chains. Inside the caller's transaction.
 */
export function pruneEntries(c: Connection, before: number, draft: AuditDraft): AuditEntry {
  const head = chainHead(c);
  const lastRow = c.rows('SELECT id, hash FROM audit WHERE time < ? ORDER BY id DESC LIMIT 1').get(before);
  const last = lastRow ? { id: lastRow[0] as number, hash: lastRow[1] as string } : undefined;
  const pruned = last ? Number(c.stmt('DELETE FROM audit WHERE id <= ?').run(last.id).changes) : 0;
  return appendEntries(c, [{ ...draft, detail: { ...draft.detail, ...pruneDetail(before, pruned, last) } }], head)[0]!;
}
