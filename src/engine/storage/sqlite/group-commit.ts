import { SstoreError } from '../../../errors.ts';
import type { AuditDraft } from '../../audit/entry.ts';
import type { AccountScope, NewSecretRow } from '../storage.ts';
import { appendEntries, chainHead } from './audit.ts';
import type { Connection } from './connection.ts';
import { countSecrets, insertSecretRows } from './writes.ts';

interface PendingInsert {
  /** Empty for an append of audit entries alone (reveals). */
  rows: NewSecretRow[];
  scope: AccountScope | undefined;
  maxSecrets: number;
  audit: readonly AuditDraft[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: inserts asked for in the same turn of the event loop share one transaction, so one fsync acknowledges
 * them all. Each call still succeeds or fails alone (a savepoint each, its audit entries inside it), and none
 * resolves before the commit. Reveals' audit entries are appended the same way: a reveal costs no fsync of its own
 * when others arrive with it.
 */
export class GroupCommit {
  private readonly c: Connection;
  private pending: PendingInsert[] = [];

  constructor(c: Connection) {
    this.c = c;
  }

  insert(rows: NewSecretRow[], scope: AccountScope, maxSecrets: number, audit: readonly AuditDraft[]): Promise<void> {
    const seen = new Set<string>();
    for (const { record } of rows) {
      const key = `${record.storeId}\u0000${record.name}`;
      if (seen.has(key)) {
        return Promise.reject(
          new SstoreError('conflict', `secret name "${record.name}" appears twice in the request`, {
            reason: 'secret_name_already_exists',
          }),
        );
      }
      seen.add(key);
    }
    return this.enqueue(rows, scope, maxSecrets, audit);
  }

  /** Audit entries of what changes nothing (reveals): appended in the next batch, resolved once committed. */
  append(audit: readonly AuditDraft[]): Promise<void> {
    return this.enqueue([], undefined, 0, audit);
  }

  private enqueue(rows: NewSecretRow[], scope: AccountScope | undefined, maxSecrets: number, audit: readonly AuditDraft[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, scope, maxSecrets, audit, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Writes what is queued now (also on close, so that nothing acknowledged-to-be is lost). */
  flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const failures = new Map<PendingInsert, unknown>();
    try {
      this.c.transaction(() => {
        // Counted once per account and batch; the write lock keeps the count exact until the commit.
        const usage = new Map<string, number>();
        const head = chainHead(this.c);
        for (const item of batch) {
          this.c.db.exec('SAVEPOINT insert_secrets');
          const mark = head.mark();
          try {
            if (item.scope) {
              const account = `${item.scope.namespace}\u0000${item.scope.accountId}`;
              const n = usage.get(account) ?? countSecrets(this.c, item.scope);
              insertSecretRows(this.c, item.rows, item.scope, n, item.maxSecrets);
              usage.set(account, n + item.rows.length);
            }
            appendEntries(this.c, item.audit, head);
            this.c.db.exec('RELEASE insert_secrets');
          } catch (error) {
            head.reset(mark);
            try {
              this.c.db.exec('ROLLBACK TO insert_secrets');
              this.c.db.exec('RELEASE insert_secrets');
            } catch {
              throw error; // the transaction itself is gone: the whole batch fails
            }
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
