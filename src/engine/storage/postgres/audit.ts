import type { AuditDraft, AuditEntry, AuditFilter } from '../../audit/entry.ts';
import { AUDIT_COLUMN_COUNT, AUDIT_COLUMNS, auditQuery, auditRow, ChainHead, pruneDetail, toAuditEntry } from '../audit-rows.ts';
import type { Queryable } from './pool.ts';

// The audit trail on PostgreSQL. Several instances append to one chain, so a transaction that appends first takes a
// transaction-scoped advisory lock on the chain and only then reads its head: two instances can never both extend
// the same entry (a fork). The lock is taken last, after every other lock of the transaction (accounts, rows), so no
// transaction waits for another lock while holding it, and it is held only from there to the commit.

const CHAIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('sstore:audit'))";
/** Entries per INSERT statement: 13 parameters each, under PostgreSQL's 65,535. */
const ENTRIES_PER_INSERT = 1_000;

export async function lockChain(q: Queryable): Promise<ChainHead> {
  await q.rows(CHAIN_LOCK);
  const [row] = await q.rows('SELECT id, hash FROM sstore_audit ORDER BY id DESC LIMIT 1');
  return new ChainHead(row ? { id: Number(row[0]), hash: row[1] as string } : undefined);
}

/** Appends the drafts in the caller's transaction (locking the chain when no head is given). */
export async function appendEntries(q: Queryable, drafts: readonly AuditDraft[], head?: ChainHead): Promise<AuditEntry[]> {
  if (drafts.length === 0) return [];
  const entries = (head ?? (await lockChain(q))).next(drafts);
  await insertEntries(q, entries);
  return entries;
}

/** Entries as they are (ids and hashes kept), in multi-row INSERTs. */
export async function insertEntries(q: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += ENTRIES_PER_INSERT) {
    const chunk = entries.slice(start, start + ENTRIES_PER_INSERT);
    const values = chunk
      .map((_, i) => `(${Array.from({ length: AUDIT_COLUMN_COUNT }, (_, c) => `$${i * AUDIT_COLUMN_COUNT + c + 1}`).join(', ')})`)
      .join(', ');
    await q.run(`INSERT INTO sstore_audit (${AUDIT_COLUMNS}) VALUES ${values}`, chunk.flatMap(auditRow));
  }
}

export async function listAudit(q: Queryable, filter: AuditFilter): Promise<AuditEntry[]> {
  const { where, params, limit } = auditQuery(filter);
  let n = 0;
  const text = `SELECT ${AUDIT_COLUMNS} FROM sstore_audit ${where} ORDER BY id ${limit}`.replace(/\?/g, () => `$${++n}`);
  return (await q.rows(text, params)).map(toAuditEntry);
}

/** As SQLite's: a prefix of the ids, up to the newest entry older than `before`; in the caller's transaction. */
export async function pruneEntries(q: Queryable, before: number, draft: AuditDraft): Promise<AuditEntry> {
  const head = await lockChain(q);
  const [lastRow] = await q.rows('SELECT id, hash FROM sstore_audit WHERE time < $1 ORDER BY id DESC LIMIT 1', [before]);
  const last = lastRow ? { id: Number(lastRow[0]), hash: lastRow[1] as string } : undefined;
  const pruned = last ? await q.run('DELETE FROM sstore_audit WHERE id <= $1', [last.id]) : 0;
  const [entry] = await appendEntries(q, [{ ...draft, detail: { ...draft.detail, ...pruneDetail(before, pruned, last) } }], head);
  return entry!;
}
