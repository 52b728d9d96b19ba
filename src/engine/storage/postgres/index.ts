import type { Namespace, Page, SecretQuery, SecretRecord, StoreQuery, StoreRecord, TokenRecord } from '../../types.ts';
import type { Awaitable } from '../../awaitable.ts';
import type { AuditDraft, AuditEntry, AuditFilter } from '../../audit/entry.ts';
import type { AccountScope, NewSecretRow, SecretPatch, SecretVersion, Storage, StorageItem } from '../storage.ts';
import { BUMP_VERSION, Coherence } from './coherence.ts';
import { appendEntries, listAudit, pruneEntries } from './audit.ts';
import { GroupCommit } from './group-commit.ts';
import { getSealedVersion, listVersions } from './history.ts';
import { migrate, schemaVersion } from './migrations.ts';
import { containing, page, SECRET_ORDER_COLUMN, STORE_ORDER_COLUMN } from './paging.ts';
import { Database, DEFAULT_POOL, type PoolSettings } from './pool.ts';
import { bytes, SECRET_COLUMNS, STORE_COLUMNS, TOKEN_COLUMNS, toSecret, toStore, toToken } from './rows.ts';
import { exportAll, importAll, isEmpty } from './transfer.ts';
import * as writes from './writes.ts';

export interface PostgresOptions {
  pool?: PoolSettings;
  /**
   * false: no cache between requests, every lookup asks the database (what bench/pg-coherence.mjs compares the cache
   * with). Default true.
   */
  cache?: boolean;
}

/**
 * The shared backend: a PostgreSQL database that several server instances use at once. Nothing is read or written at
 * open: the engine proves the master key first and then migrates. Unreachable → 503 `database_unavailable` from any
 * method (errors.ts); the pool reconnects by itself (pool.ts).
 */
export async function openPostgresStorage(url: string, location: string, options: PostgresOptions = {}): Promise<Storage> {
  return new PostgresStorage(new Database(url, location, options.pool ?? DEFAULT_POOL), options.cache ?? true);
}

function freeze<T extends object>(value: T): T {
  return Object.freeze(value);
}

class PostgresStorage implements Storage {
  readonly location: string;
  private readonly db: Database;
  private readonly c: Coherence;
  private readonly cache: boolean;
  private readonly creates: GroupCommit;

  constructor(db: Database, cache: boolean) {
    this.db = db;
    this.location = db.location;
    this.c = new Coherence(db);
    this.cache = cache;
    this.creates = new GroupCommit(db);
  }

  revalidate(): Awaitable<void> {
    return this.cache ? this.c.revalidate() : undefined;
  }

  async isReachable(): Promise<boolean> {
    return this.db.reachable();
  }

  schemaVersion(): Promise<number> {
    return schemaVersion(this.db);
  }

  async migrate(): Promise<void> {
    await migrate(this.db);
    this.c.drop();
  }

  async getMeta(key: string): Promise<Uint8Array | undefined> {
    const [row] = await this.db.rows('SELECT value FROM sstore_meta WHERE key = $1', [key]);
    return row ? (row[0] as Uint8Array) : undefined;
  }

  async setMeta(key: string, value: Uint8Array): Promise<void> {
    await this.db.run('INSERT INTO sstore_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
      key,
      bytes(value),
    ]);
  }

  async claimMeta(key: string, value: Uint8Array): Promise<Uint8Array> {
    // One statement: the insert loses to a concurrent one cleanly (ON CONFLICT waits for it), then the winner is read.
    await this.db.run('INSERT INTO sstore_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, bytes(value)]);
    return (await this.getMeta(key))!;
  }

  async hasSecrets(): Promise<boolean> {
    const [row] = await this.db.rows('SELECT EXISTS (SELECT 1 FROM sstore_secrets)');
    return row![0] === true;
  }

  isEmpty(): Promise<boolean> {
    return isEmpty(this.db);
  }

  listStores(query: StoreQuery): Promise<Page<StoreRecord>> {
    const where = ['namespace = ?', 'account_id = ?'];
    const params: unknown[] = [query.namespace, query.accountId];
    if (query.managedBy !== undefined) {
      where.push('managed_by = ?');
      params.push(query.managedBy);
    }
    return page(this.db, {
      table: 'sstore_stores',
      columns: STORE_COLUMNS,
      where,
      params,
      orderColumn: STORE_ORDER_COLUMN[query.order],
      direction: query.direction,
      window: query.window,
      map: toStore,
    });
  }

  getStore(namespace: Namespace, accountId: string, storeId: string): Awaitable<StoreRecord | undefined> {
    const key = `${namespace}\u0000${accountId}\u0000${storeId}`;
    const cached = this.c.stores.get(key);
    if (cached) return cached;
    const startedIn = this.c.now;
    return this.db
      .rows(`SELECT ${STORE_COLUMNS} FROM sstore_stores WHERE id = $1 AND namespace = $2 AND account_id = $3`, [storeId, namespace, accountId])
      .then(([row]) => {
        if (!row) return undefined; // a miss is not cached: unknown ids would fill the cache
        const store = freeze(toStore(row));
        this.c.fill(this.c.stores, key, store, startedIn);
        return store;
      });
  }

  insertStore(store: StoreRecord, maxStores: number, audit: AuditDraft): Promise<void> {
    return this.db.transaction((q) => writes.insertStore(q, store, maxStores, audit));
  }

  deleteStore(storeId: string, force: boolean, audit: AuditDraft): Promise<void> {
    return this.changing((q) => writes.deleteStore(q, storeId, force, audit));
  }

  async listSecrets(query: SecretQuery): Promise<Page<SecretRecord>> {
    const where = ['store_id = ?'];
    const params: unknown[] = [query.storeId];
    if (query.search) {
      // ILIKE on "C" columns folds ASCII letters only, as SQLite's LIKE does: `é` and `É` stay different in both.
      where.push('(name ILIKE ? OR comment ILIKE ?)');
      params.push(containing(query.search), containing(query.search));
    }
    for (const scope of query.scopes ?? []) {
      where.push('scopes ILIKE ?');
      params.push(containing(`,${scope},`));
    }
    // Unfiltered, the total is the store's counter instead of a COUNT(*) over its index.
    const knownTotal =
      where.length === 1 ? Number((await this.db.rows('SELECT secret_count FROM sstore_stores WHERE id = $1', [query.storeId]))[0]?.[0] ?? 0) : undefined;
    return page(this.db, {
      table: 'sstore_secrets',
      columns: SECRET_COLUMNS,
      where,
      params,
      orderColumn: SECRET_ORDER_COLUMN[query.order],
      direction: query.direction,
      window: query.window,
      map: toSecret,
      ...(knownTotal !== undefined && { knownTotal }),
    });
  }

  getSecret(storeId: string, secretId: string): Awaitable<SecretRecord | undefined> {
    const key = `${storeId}\u0000${secretId}`;
    const cached = this.c.secrets.get(key);
    if (cached) return cached;
    const startedIn = this.c.now;
    return this.db.rows(`SELECT ${SECRET_COLUMNS} FROM sstore_secrets WHERE store_id = $1 AND id = $2`, [storeId, secretId]).then(([row]) => {
      if (!row) return undefined;
      const secret = toSecret(row);
      Object.freeze(secret.scopes);
      freeze(secret);
      this.c.fill(this.c.secrets, key, secret, startedIn);
      return secret;
    });
  }

  async getSecretByName(storeId: string, name: string): Promise<SecretRecord | undefined> {
    const [row] = await this.db.rows(`SELECT ${SECRET_COLUMNS} FROM sstore_secrets WHERE store_id = $1 AND name = $2`, [storeId, name]);
    return row ? toSecret(row) : undefined;
  }

  async getSealedValue(storeId: string, secretId: string): Promise<Uint8Array | undefined> {
    const [row] = await this.db.rows('SELECT value FROM sstore_secrets WHERE store_id = $1 AND id = $2', [storeId, secretId]);
    return row ? (row[0] as Uint8Array) : undefined;
  }

  countSecrets(namespace: Namespace, accountId: string): Promise<number> {
    return writes.countSecrets(this.db, { namespace, accountId });
  }

  insertSecrets(rows: NewSecretRow[], scope: AccountScope, maxSecrets: number, audit: AuditDraft[]): Promise<void> {
    return this.creates.insert(rows, scope, maxSecrets, audit);
  }

  updateSecret(storeId: string, secretId: string, patch: SecretPatch, audit: AuditDraft, keepVersions: number): Promise<SecretRecord> {
    return this.changing((q) => writes.updateSecret(q, storeId, secretId, patch, audit, keepVersions));
  }

  deleteSecrets(storeId: string, secretIds: string[], audit: AuditDraft[]): Promise<void> {
    return this.changing((q) => writes.deleteSecrets(q, storeId, secretIds, audit));
  }

  async insertToken(token: TokenRecord, hash: string, ifNameTaken: 'fail' | 'replace' | 'keep', audit: AuditDraft): Promise<boolean> {
    return this.db.transaction(async (q) => {
      const [inserted, replaced] = await writes.insertToken(q, token, hash, ifNameTaken, audit);
      if (replaced) await q.run(BUMP_VERSION);
      return inserted;
    }).finally(() => this.c.drop());
  }

  findTokenByHash(hash: string): Awaitable<{ token: TokenRecord; hash: Uint8Array } | undefined> {
    const cached = this.c.tokens.get(hash);
    if (cached) return cached;
    const startedIn = this.c.now;
    return this.db.rows(`SELECT ${TOKEN_COLUMNS} FROM sstore_tokens WHERE hash = $1`, [Buffer.from(hash, 'hex')]).then(([row]) => {
      if (!row) return undefined; // a miss is not cached: wrong tokens would fill the cache
      const token = toToken(row);
      Object.freeze(token.permissions);
      const found = freeze({ token: freeze(token), hash: row[6] as Uint8Array });
      this.c.fill(this.c.tokens, hash, found, startedIn);
      return found;
    });
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.db.rows(`SELECT ${TOKEN_COLUMNS} FROM sstore_tokens ORDER BY created, id`)).map(toToken);
  }

  deleteToken(idOrName: string, audit: AuditDraft): Promise<boolean> {
    return this.changing(async (q) => {
      const [row] = await q.rows('DELETE FROM sstore_tokens WHERE id = $1 OR name = $1 RETURNING id, name', [idOrName]);
      if (!row) return false;
      await appendEntries(q, [{ ...audit, name: row[1] as string, detail: { ...audit.detail, id: row[0] as string } }]);
      return true;
    });
  }

  listVersions(storeId: string, secretId: string): Promise<SecretVersion[]> {
    return listVersions(this.db, storeId, secretId);
  }

  getSealedVersion(storeId: string, secretId: string, version: number): Promise<Uint8Array | undefined> {
    return getSealedVersion(this.db, storeId, secretId, version);
  }

  appendAudit(audit: AuditDraft[]): Promise<void> {
    return this.creates.append(audit);
  }

  listAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    return listAudit(this.db, filter);
  }

  pruneAudit(before: number, audit: AuditDraft): Promise<AuditEntry> {
    return this.db.transaction((q) => pruneEntries(q, before, audit));
  }

  exportAll(): AsyncIterable<StorageItem> {
    return exportAll(this.db);
  }

  importAll(items: AsyncIterable<StorageItem>, options: { replace: boolean }): Promise<number> {
    return importAll(this.db, items, options).finally(() => this.c.drop());
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /**
   * A write that changes or removes records other instances may have cached: it bumps the version in its own
   * transaction (they drop their caches at their next request), and this instance drops its own once it is done.
   */
  private changing<T>(work: (q: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<T>): Promise<T> {
    return this.db
      .transaction(async (q) => {
        const result = await work(q);
        await q.run(BUMP_VERSION);
        return result;
      })
      .finally(() => this.c.drop());
  }
}
