import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { SstoreError } from '../../errors.ts';
import type { Namespace, Page, SecretQuery, SecretRecord, StoreQuery, StoreRecord, TokenRecord } from '../types.ts';
import { appendEntries, listAudit, pruneEntries } from './sqlite/audit.ts';
import { Caches } from './sqlite/caches.ts';
import { Connection, openDatabase, type Row } from './sqlite/connection.ts';
import { GroupCommit } from './sqlite/group-commit.ts';
import { getSealedVersion, keepCurrentValue, listVersions } from './sqlite/history.ts';
import { listSecrets, listStores } from './sqlite/paging.ts';
import { SECRET_COLUMNS, STORE_COLUMNS, encodeScopes, toSecret, toStore, toToken } from './sqlite/rows.ts';
import { migrate, userVersion } from './sqlite/schema.ts';
import { exportAll, importAll } from './sqlite/transfer.ts';
import { countSecrets, insertStoreRow, insertTokenRow } from './sqlite/writes.ts';
import { diskFullError, isDiskFull } from './sqlite-errors.ts';
import type { AuditDraft, AuditEntry, AuditFilter } from '../audit/entry.ts';
import type { AccountScope, NewSecretRow, SecretPatch, SecretVersion, Storage, StorageItem } from './storage.ts';

/**
 * The embedded backend: one SQLite file through the built-in `node:sqlite` (no native build); `BEGIN IMMEDIATE` so two
 * writing processes queue on the busy timeout instead of failing half-way. The schema is not migrated here: the
 * engine checks the master key first (`migrate()`), so a wrong key never changes the file. Its parts, by job, are in
 * sqlite/: the connection and pragmas, the schema, the caches and their coherence, paging, rows, the shared inserts,
 * group commit, export and import.
 */
export async function openSqliteStorage(path: string, options: { readOnly?: boolean } = {}): Promise<Storage> {
  return new SqliteStorage(await openDatabase(path, options.readOnly ?? false), path);
}

class SqliteStorage implements Storage {
  readonly location: string;
  private readonly c: Connection;
  private readonly caches: Caches;
  private readonly inserts: GroupCommit;

  constructor(db: DatabaseSync, location: string) {
    this.location = location;
    this.c = new Connection(db, location, () => this.caches.anchors.drop());
    this.caches = new Caches(() => (this.c.stmt('PRAGMA data_version').get() as { data_version: number }).data_version);
    this.inserts = new GroupCommit(this.c);
  }

  revalidate(): void {
    this.caches.revalidate();
  }

  async schemaVersion(): Promise<number> {
    return userVersion(this.c.db);
  }

  async migrate(): Promise<void> {
    try {
      migrate(this.c.db, this.location);
      this.caches.drop();
    } catch (error) {
      if (error instanceof SstoreError) throw error;
      if (isDiskFull(error)) throw diskFullError(this.location, error);
      throw new SstoreError('internal', `cannot migrate database ${this.location}: ${(error as Error).message}`, { cause: error });
    }
  }

  async isReachable(): Promise<boolean> {
    try {
      return this.c.db.isOpen && this.c.stmt('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async getMeta(key: string): Promise<Uint8Array | undefined> {
    const row = this.c.stmt('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return row ? (row.value as Uint8Array) : undefined;
  }

  async setMeta(key: string, value: Uint8Array): Promise<void> {
    this.c.transaction(() => {
      this.c.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
    });
  }

  async claimMeta(key: string, value: Uint8Array): Promise<Uint8Array> {
    return this.c.transaction(() => {
      this.c.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
      return (this.c.stmt('SELECT value FROM meta WHERE key = ?').get(key) as Row).value as Uint8Array;
    });
  }

  async hasSecrets(): Promise<boolean> {
    return this.c.stmt('SELECT 1 FROM secrets LIMIT 1').get() !== undefined;
  }

  async isEmpty(): Promise<boolean> {
    return this.c.stmt('SELECT 1 FROM stores LIMIT 1').get() === undefined && this.c.stmt('SELECT 1 FROM tokens LIMIT 1').get() === undefined;
  }

  async listStores(query: StoreQuery): Promise<Page<StoreRecord>> {
    return listStores(this.c, this.caches, query);
  }

  getStore(namespace: Namespace, accountId: string, storeId: string): StoreRecord | undefined {
    const key = `${namespace}\u0000${accountId}\u0000${storeId}`;
    const cached = this.caches.stores.get(key);
    if (cached) return cached;
    const row = this.c.rows(`SELECT ${STORE_COLUMNS} FROM stores WHERE id = ? AND namespace = ? AND account_id = ?`).get(storeId, namespace, accountId);
    if (!row) return undefined; // a miss is not cached: unknown ids would fill the cache
    const store = Object.freeze(toStore(row));
    if (this.caches.enabled) this.caches.stores.set(key, store);
    return store;
  }

  async insertStore(store: StoreRecord, maxStores: number, audit: AuditDraft): Promise<void> {
    this.caches.drop();
    this.c.transaction(() => {
      const { n } = this.c.stmt('SELECT COUNT(*) AS n FROM stores WHERE namespace = ? AND account_id = ?').get(store.namespace, store.accountId) as {
        n: number;
      };
      if (n >= maxStores) {
        throw new SstoreError('quota', `maximum number of stores exceeded (${maxStores} per account)`, { reason: 'maximum_stores_exceeded' });
      }
      insertStoreRow(this.c, store);
      appendEntries(this.c, [audit]);
    });
  }

  async deleteStore(storeId: string, force: boolean, audit: AuditDraft): Promise<void> {
    this.caches.drop();
    this.c.transaction(() => {
      const { n } = (this.c.stmt('SELECT secret_count AS n FROM stores WHERE id = ?').get(storeId) as { n: number } | undefined) ?? { n: 0 };
      if (n > 0 && !force) {
        throw new SstoreError('conflict', `store is not empty: it holds ${n} secret${n === 1 ? '' : 's'}`, {
          reason: 'store_not_empty',
          hint: 'delete its secrets first, or pass force=true (--force) to delete them with the store',
        });
      }
      this.c.stmt('DELETE FROM secrets WHERE store_id = ?').run(storeId);
      const { changes } = this.c.stmt('DELETE FROM stores WHERE id = ?').run(storeId);
      if (Number(changes) === 0) throw new SstoreError('not_found', 'store not found', { reason: 'store_not_found' });
      appendEntries(this.c, [audit]);
    });
  }

  async listSecrets(query: SecretQuery): Promise<Page<SecretRecord>> {
    return listSecrets(this.c, this.caches, query);
  }

  getSecret(storeId: string, secretId: string): SecretRecord | undefined {
    const key = `${storeId}\u0000${secretId}`;
    const cached = this.caches.secrets.get(key);
    if (cached) return cached;
    const row = this.c.rows(`SELECT ${SECRET_COLUMNS} FROM secrets WHERE store_id = ? AND id = ?`).get(storeId, secretId);
    if (!row) return undefined; // a miss is not cached: unknown ids would fill the cache
    const secret = toSecret(row);
    Object.freeze(secret.scopes);
    Object.freeze(secret);
    if (this.caches.enabled) this.caches.secrets.set(key, secret);
    return secret;
  }

  async getSecretByName(storeId: string, name: string): Promise<SecretRecord | undefined> {
    const row = this.c.rows(`SELECT ${SECRET_COLUMNS} FROM secrets WHERE store_id = ? AND name = ?`).get(storeId, name);
    return row ? toSecret(row) : undefined;
  }

  async getSealedValue(storeId: string, secretId: string): Promise<Uint8Array | undefined> {
    const row = this.c.stmt('SELECT value FROM secrets WHERE store_id = ? AND id = ?').get(storeId, secretId) as Row | undefined;
    return row ? (row.value as Uint8Array) : undefined;
  }

  async countSecrets(namespace: Namespace, accountId: string): Promise<number> {
    return countSecrets(this.c, { namespace, accountId });
  }

  insertSecrets(rows: NewSecretRow[], scope: AccountScope, maxSecrets: number, audit: AuditDraft[]): Promise<void> {
    return this.inserts.insert(rows, scope, maxSecrets, audit);
  }

  async updateSecret(storeId: string, secretId: string, patch: SecretPatch, audit: AuditDraft, keepVersions: number): Promise<SecretRecord> {
    const sets = ['modified = ?'];
    const params: SQLInputValue[] = [patch.modified];
    if (patch.comment !== undefined) (sets.push('comment = ?'), params.push(patch.comment));
    if (patch.scopes !== undefined) (sets.push('scopes = ?'), params.push(encodeScopes(patch.scopes)));
    if (patch.sealed !== undefined) (sets.push('value = ?'), params.push(patch.sealed));
    if (patch.notBefore !== undefined) (sets.push('not_before = ?'), params.push(patch.notBefore));
    if (patch.expiresOn !== undefined) (sets.push('expires_on = ?'), params.push(patch.expiresOn));
    if (patch.updatedBy !== undefined) (sets.push('updated_by = ?'), params.push(patch.updatedBy));
    if (patch.sealed !== undefined) (sets.push('value_set = ?', 'value_set_by = ?'), params.push(patch.modified, patch.updatedBy ?? null));
    this.caches.secrets.delete(`${storeId}\u0000${secretId}`);
    return this.c.transaction(() => {
      if (patch.sealed !== undefined) {
        sets.push('version = ?');
        params.push(keepCurrentValue(this.c, storeId, secretId, keepVersions));
      }
      const { changes } = this.c.stmt(`UPDATE secrets SET ${sets.join(', ')} WHERE store_id = ? AND id = ?`).run(...params, storeId, secretId);
      if (Number(changes) === 0) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
      appendEntries(this.c, [audit]);
      return toSecret(this.c.rows(`SELECT ${SECRET_COLUMNS} FROM secrets WHERE id = ?`).get(secretId)!);
    });
  }

  async deleteSecrets(storeId: string, secretIds: string[], audit: AuditDraft[]): Promise<void> {
    for (const id of secretIds) this.caches.secrets.delete(`${storeId}\u0000${id}`);
    this.c.transaction(() => {
      const del = this.c.stmt('DELETE FROM secrets WHERE store_id = ? AND id = ?');
      const missing = [...new Set(secretIds)].filter((id) => Number(del.run(storeId, id).changes) === 0);
      if (missing.length > 0) {
        throw new SstoreError('not_found', `secret${missing.length === 1 ? '' : 's'} not found: ${missing.join(', ')}`, {
          reason: 'secret_not_found',
        });
      }
      appendEntries(this.c, audit);
    });
  }

  async insertToken(token: TokenRecord, hash: string, ifNameTaken: 'fail' | 'replace' | 'keep', audit: AuditDraft): Promise<boolean> {
    this.caches.drop();
    return this.c.transaction(() => {
      const taken = this.c.stmt('SELECT id FROM tokens WHERE name = ?').get(token.name) !== undefined;
      if (taken && ifNameTaken === 'keep') return false;
      if (taken && ifNameTaken === 'replace') this.c.stmt('DELETE FROM tokens WHERE name = ?').run(token.name);
      insertTokenRow(this.c, token, hash);
      appendEntries(this.c, [audit]);
      return true;
    });
  }

  findTokenByHash(hash: string): { token: TokenRecord; hash: Uint8Array } | undefined {
    const cached = this.caches.tokens.get(hash);
    if (cached) return cached;
    const row = this.c.stmt('SELECT * FROM tokens WHERE hash = ?').get(Buffer.from(hash, 'hex')) as Row | undefined;
    if (!row) return undefined; // a miss is not cached: wrong tokens would fill the cache
    const token = toToken(row);
    Object.freeze(token.permissions);
    const found = { token: Object.freeze(token), hash: row.hash as Uint8Array };
    if (this.caches.enabled) this.caches.tokens.set(hash, found);
    return found;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (this.c.stmt('SELECT * FROM tokens ORDER BY created, id').all() as Row[]).map(toToken);
  }

  async deleteToken(idOrName: string, audit: AuditDraft): Promise<boolean> {
    this.caches.drop();
    return this.c.transaction(() => {
      const row = this.c.rows('DELETE FROM tokens WHERE id = ? OR name = ? RETURNING id, name').get(idOrName, idOrName);
      if (!row) return false;
      appendEntries(this.c, [{ ...audit, name: row[1] as string, detail: { ...audit.detail, id: row[0] as string } }]);
      return true;
    });
  }

  async listVersions(storeId: string, secretId: string): Promise<SecretVersion[]> {
    return listVersions(this.c, storeId, secretId);
  }

  async getSealedVersion(storeId: string, secretId: string, version: number): Promise<Uint8Array | undefined> {
    return getSealedVersion(this.c, storeId, secretId, version);
  }

  appendAudit(audit: AuditDraft[]): Promise<void> {
    return this.inserts.append(audit);
  }

  async listAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    return listAudit(this.c, filter);
  }

  async pruneAudit(before: number, audit: AuditDraft): Promise<AuditEntry> {
    return this.c.transaction(() => pruneEntries(this.c, before, audit));
  }

  exportAll(): AsyncIterable<StorageItem> {
    return exportAll(this.c);
  }

  importAll(items: AsyncIterable<StorageItem>, options: { replace: boolean }): Promise<number> {
    return importAll(this.c, this.caches, items, options);
  }

  async close(): Promise<void> {
    this.inserts.flush();
    if (this.c.db.isOpen) this.c.db.close();
  }
}
