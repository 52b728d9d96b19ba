import { SstoreError } from '../../../errors.ts';
import type { AuditDraft } from '../../audit/entry.ts';
import type { AccountScope, NewSecretRow } from '../storage.ts';
import { appendEntries } from './audit.ts';
import type { Database, Queryable } from './pool.ts';
import { accountKey, countAccounts, duplicateInRequest, insertManySecretRows, insertSecretRows, lockAccounts, quotaError } from './writes.ts';

interface Pending {
  /** Empty for an append of audit entries alone (reveals). */
  rows: NewSecretRow[];
  scope: AccountScope | undefined;
  maxSecrets: number;
  audit: readonly AuditDraft[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for creates, as the SQLite backend has: the inserts asked for in one turn of the event loop share one
 * transaction, so one commit (one WAL flush) acknowledges them all. Without it every create of an account would hold
 * the account's lock (writes.ts) through its own flush, and creates would queue one flush at a time. Each insert still
 * succeeds or fails alone (a savepoint each), and none resolves before the commit; if the commit fails, all fail.
 * One batch is committed at a time; the creates that arrive meanwhile form the next. The audit entries of the
 * creates that succeeded are appended last, in the same transaction (the chain's lock is taken after every other, see
 * audit.ts); reveals' entries ride along the same way.
 */
export class GroupCommit {
  private readonly db: Database;
  private pending: Pending[] = [];
  private flushing = false;

  constructor(db: Database) {
    this.db = db;
  }

  insert(rows: NewSecretRow[], scope: AccountScope, maxSecrets: number, audit: readonly AuditDraft[]): Promise<void> {
    const duplicate = duplicateInRequest(rows);
    if (duplicate) return Promise.reject(duplicate);
    return this.enqueue(rows, scope, maxSecrets, audit);
  }

  /** Audit entries of what changes nothing (reveals): appended in the next batch, resolved once committed. */
  append(audit: readonly AuditDraft[]): Promise<void> {
    return this.enqueue([], undefined, 0, audit);
  }

  private enqueue(rows: NewSecretRow[], scope: AccountScope | undefined, maxSecrets: number, audit: readonly AuditDraft[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, scope, maxSecrets, audit, resolve, reject });
      if (this.pending.length === 1 && !this.flushing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushing = true;
    try {
      await this.commit(batch);
    } finally {
      this.flushing = false;
      // What arrived meanwhile is the next batch: one commit in flight at a time gathers the creates that would
      // otherwise queue on their account's lock one flush each.
      if (this.pending.length > 0) void this.flush();
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const failures = new Map<Pending, unknown>();
    try {
      await this.db.transaction(async (q) => {
        // Every account of the batch locked up front, in one order, and counted once.
        const creates = batch.filter((item) => item.scope !== undefined);
        const scopes = creates.map((item) => item.scope!);
        if (scopes.length > 0) await lockAccounts(q, scopes);
        const counts = scopes.length > 0 ? await countAccounts(q, scopes) : new Map<string, number>();
        await q.run('SAVEPOINT insert_batch');
        try {
          await allAtOnce(q, creates, new Map(counts), failures);
          await q.run('RELEASE SAVEPOINT insert_batch');
        } catch (error) {
          if (!(error instanceof SstoreError)) throw error;
          // A name was taken: again, one create at a time, to fail only the one that took it.
          await q.run('ROLLBACK TO SAVEPOINT insert_batch');
          failures.clear();
          await oneByOne(q, creates, new Map(counts), failures);
        }
        await appendEntries(q, batch.filter((item) => !failures.has(item)).flatMap((item) => item.audit));
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) {
      if (failures.has(item)) item.reject(failures.get(item));
      else item.resolve();
    }
  }
}

/** The quota decided in order of arrival, then every accepted row in as few statements as possible. */
async function allAtOnce(q: Queryable, batch: Pending[], usage: Map<string, number>, failures: Map<Pending, unknown>): Promise<void> {
  const accepted: { row: NewSecretRow; scope: AccountScope }[] = [];
  for (const item of batch) {
    const account = accountKey(item.scope!);
    const n = usage.get(account) ?? 0;
    if (n + item.rows.length > item.maxSecrets) {
      failures.set(item, quotaError(n, item.maxSecrets, item.rows.length));
      continue;
    }
    usage.set(account, n + item.rows.length);
    for (const row of item.rows) accepted.push({ row, scope: item.scope! });
  }
  await insertManySecretRows(q, accepted);
}

/** Each create in a savepoint of its own: its refusal (a name taken, the quota) is its own, and it counts for nothing. */
async function oneByOne(q: Queryable, batch: Pending[], usage: Map<string, number>, failures: Map<Pending, unknown>): Promise<void> {
  for (const item of batch) {
    await q.run('SAVEPOINT insert_secrets');
    try {
      const account = accountKey(item.scope!);
      const n = usage.get(account) ?? 0;
      if (n + item.rows.length > item.maxSecrets) throw quotaError(n, item.maxSecrets, item.rows.length);
      await insertSecretRows(q, item.rows, item.scope!);
      usage.set(account, n + item.rows.length);
      await q.run('RELEASE SAVEPOINT insert_secrets');
    } catch (error) {
      // Only this create's own refusal is kept to it; anything else ends the transaction, and the batch fails.
      if (!(error instanceof SstoreError)) throw error;
      await q.run('ROLLBACK TO SAVEPOINT insert_secrets');
      await q.run('RELEASE SAVEPOINT insert_secrets');
      failures.set(item, error);
    }
  }
}
