import { SstoreError } from '../../../errors.ts';
import type { AccountScope, NewSecretRow } from '../storage.ts';
import type { Database } from './pool.ts';
import { countSecrets, duplicateInRequest, insertSecretRows, lockAccounts, quotaError } from './writes.ts';

interface Pending {
  rows: NewSecretRow[];
  scope: AccountScope;
  maxSecrets: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for creates, as the SQLite backend has: the inserts asked for in one turn of the event loop share one
 * transaction, so one commit (one WAL flush) acknowledges them all. Without it every create of an account would hold
 * the account's lock (writes.ts) through its own flush, and creates would queue one flush at a time. Each insert still
 * succeeds or fails alone (a savepoint each), and none resolves before the commit; if the commit fails, all fail.
 */
export class GroupCommit {
  private readonly db: Database;
  private pending: Pending[] = [];

  constructor(db: Database) {
    this.db = db;
  }

  insert(rows: NewSecretRow[], scope: AccountScope, maxSecrets: number): Promise<void> {
    const duplicate = duplicateInRequest(rows);
    if (duplicate) return Promise.reject(duplicate);
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, scope, maxSecrets, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const failures = new Map<Pending, unknown>();
    try {
      await this.db.transaction(async (q) => {
        // Every account of the batch locked up front, in one order; counted once each, then kept up to date.
        await lockAccounts(q, batch.map((item) => item.scope));
        const usage = new Map<string, number>();
        for (const item of batch) {
          await q.run('SAVEPOINT insert_secrets');
          try {
            const account = `${item.scope.namespace}\u0000${item.scope.accountId}`;
            const n = usage.get(account) ?? (await countSecrets(q, item.scope));
            if (n + item.rows.length > item.maxSecrets) throw quotaError(n, item.maxSecrets, item.rows.length);
            await insertSecretRows(q, item.rows, item.scope);
            usage.set(account, n + item.rows.length);
            await q.run('RELEASE SAVEPOINT insert_secrets');
          } catch (error) {
            // Only this insert's own refusal is kept to it; anything else ends the transaction, and the batch fails.
            if (!(error instanceof SstoreError)) throw error;
            await q.run('ROLLBACK TO SAVEPOINT insert_secrets');
            await q.run('RELEASE SAVEPOINT insert_secrets');
            failures.set(item, error);
          }
        }
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
