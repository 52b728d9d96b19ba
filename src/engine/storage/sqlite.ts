import { chmodSync, existsSync } from 'node:fs';
import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import { SstoreError } from '../../errors.ts';
import type {
  Namespace,
  Page,
  Permission,
  SecretQuery,
  SecretRecord,
  SecretStatus,
  SortDirection,
  StoreQuery,
  StoreRecord,
  TokenRecord,
  Window,
} from '../types.ts';
import { MetadataCache } from './metadata-cache.ts';
import { MIGRATIONS } from './migrations.ts';
import { diskFullError, isDiskFull } from './sqlite-errors.ts';
import type { AccountScope, NewSecretRow, SecretPatch, Storage, StorageItem } from './storage.ts';

type Row = Record<string, SQLInputValue>;
/**
 * A row as an array, in the order of its SELECT: what store and secret reads use. node:sqlite builds a row object
 * property by property, and reading those objects back is slow; arrays halve the cost of a page of 100.
 */
type Values = SQLOutputValue[];

/** A statement made with setReturnArrays(true), typed as such. */
interface ArrayStatement {
  get(...params: SQLInputValue[]): Values | undefined;
  all(...params: SQLInputValue[]): Values[];
}

const BUSY_TIMEOUT_MS = 10_000;

/**
 * The embedded backend: one SQLite file through the built-in `node:sqlite` (no native build). WAL for concurrent
 * readers, `synchronous=FULL` so a commit survives power loss, `BEGIN IMMEDIATE` so two writing processes queue on
 * the busy timeout instead of failing half-way. The schema is not migrated here: the engine checks the master key
 * first (`migrate()`), so a wrong key never changes the file.
 */
export async function openSqliteStorage(path: string, options: { readOnly?: boolean } = {}): Promise<Storage> {
  // Imported here, not at the top: node:sqlite prints an ExperimentalWarning on Node 22 at import time, and the
  // launcher filters that warning before this runs; it also keeps start-up free of it for commands without a store.
  const { DatabaseSync } = await import('node:sqlite');
  const isNew = !existsSync(path);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
  } catch (error) {
    throw new SstoreError('internal', `cannot open database ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (options.readOnly) {
    // A read-only connection never checkpoints the WAL into the file when it closes: the key is proven on one.
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return new SqliteStorage(db, path);
  }
  if (isNew) chmodSync(path, 0o600);
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
  } catch (error) {
    db.close();
    if (error instanceof SstoreError) throw error;
    throw new SstoreError('internal', `cannot use database ${path}: ${(error as Error).message}`, { cause: error });
  }
  return new SqliteStorage(db, path);
}

function userVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
}

function migrate(db: DatabaseSync, path: string): void {
  const current = userVersion(db);
  if (current === 0 && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").get() !== undefined) {
    // Another program's SQLite file: sstore must not add its tables to it.
    throw new SstoreError('usage', `${path} is not an sstore database (it holds tables sstore did not make); sstore added nothing to it`, {
      reason: 'database_foreign',
      hint: 'point SSTORE_DATA_DIR (or --data) at a folder of its own',
    });
  }
  if (current > MIGRATIONS.length) {
    throw new SstoreError(
      'internal',
      `database schema version ${current} is newer than this sstore understands (${MIGRATIONS.length}): upgrade sstore`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Re-read inside the lock: another process may have migrated meanwhile.
      const now = userVersion(db);
      if (now === version) {
        db.exec(MIGRATIONS[version]!);
        db.exec(`PRAGMA user_version = ${version + 1}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}

const SECRET_ORDER_COLUMN = {
  name: 'name',
  comment: "COALESCE(comment, '')",
  created: 'created',
  modified: 'modified',
  status: 'status',
} as const;

const STORE_ORDER_COLUMN = { name: 'name', created: 'created', modified: 'modified' } as const;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function encodeScopes(scopes: readonly string[]): string {
  return scopes.length === 0 ? ',' : `,${scopes.join(',')},`;
}

function decodeScopes(text: string): string[] {
  return text.split(',').filter((s) => s.length > 0);
}

const SECRET_COLUMNS =
  'id, store_id, name, comment, scopes, status, not_before, expires_on, created, modified, created_by, updated_by';

/** A row of SECRET_COLUMNS. */
function toSecret(row: Values): SecretRecord {
  return {
    id: row[0] as string,
    storeId: row[1] as string,
    name: row[2] as string,
    comment: (row[3] as string | null) ?? null,
    scopes: decodeScopes(row[4] as string),
    status: row[5] as SecretStatus,
    notBefore: (row[6] as number | null) ?? null,
    expiresOn: (row[7] as number | null) ?? null,
    created: row[8] as number,
    modified: row[9] as number,
    createdBy: (row[10] as string | null) ?? null,
    updatedBy: (row[11] as string | null) ?? null,
  };
}

const STORE_COLUMNS = 'id, namespace, account_id, name, managed_by, created, modified';

/** A row of STORE_COLUMNS. */
function toStore(row: Values): StoreRecord {
  return {
    id: row[0] as string,
    namespace: row[1] as Namespace,
    accountId: row[2] as string,
    name: row[3] as string,
    managedBy: (row[4] as string | null) ?? null,
    created: row[5] as number,
    modified: row[6] as number,
  };
}

function toToken(row: Row): TokenRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    permissions: (row.permissions as string).split(',').filter(Boolean) as Permission[],
    account: (row.account as string | null) ?? null,
    service: (row.service as string | null) ?? null,
    created: row.created as number,
  };
}

interface PendingInsert {
  rows: NewSecretRow[];
  scope: AccountScope;
  maxSecrets: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

class SqliteStorage implements Storage {
  readonly location: string;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private readonly arrayStatements = new Map<string, ArrayStatement>();
  private pendingInserts: PendingInsert[] = [];
  /** The data_version of the last `revalidate`; undefined until the first, and until then nothing is cached. */
  private seenDataVersion: number | undefined;
  private readonly tokens = new MetadataCache<{ token: TokenRecord; hash: Uint8Array }>(1_000);
  private readonly stores = new MetadataCache<StoreRecord>(10_000);
  private readonly secrets = new MetadataCache<SecretRecord>(10_000);
  /** Where offset pages end; see `offsetRows`. */
  private readonly anchors = new MetadataCache<{ key: SQLInputValue; seq: number }>(10_000);

  constructor(db: DatabaseSync, location: string) {
    this.db = db;
    this.location = location;
  }

  private stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** A statement whose rows are arrays (see Values). */
  private rows(sql: string): ArrayStatement {
    let statement = this.arrayStatements.get(sql);
    if (!statement) {
      const prepared = this.db.prepare(sql);
      prepared.setReturnArrays(true);
      statement = prepared as unknown as ArrayStatement;
      this.arrayStatements.set(sql, statement);
    }
    return statement;
  }

  private transaction<T>(work: () => T): T {
    // Any write may move rows between pages.
    this.anchors.drop();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite may have rolled back already (a full disk does): a second ROLLBACK would replace the real error.
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw this.classify(error);
    }
  }

  /** A full disk named as such; any other error as it is. */
  private classify(error: unknown): unknown {
    return isDiskFull(error) ? diskFullError(this.location, error) : error;
  }

  revalidate(): void {
    // Requests read in one poll of the event loop arrived together: one check serves them all. Each check is a read
    // transaction (file-lock system calls), which under load cost more than the rest of a cached GET.
    if (this.revalidatedThisTurn) return;
    this.revalidatedThisTurn = true;
    setImmediate(this.endTurn);
    const { data_version: version } = this.stmt('PRAGMA data_version').get() as { data_version: number };
    if (version === this.seenDataVersion) return;
    this.dropCaches();
    this.seenDataVersion = version;
  }

  private revalidatedThisTurn = false;
  private readonly endTurn = (): void => {
    this.revalidatedThisTurn = false;
  };

  /**
   * Called by every write of tokens or stores (a store's delete takes its secrets with it): this connection's own
   * commits leave data_version as it is. Secret writes drop only the secrets they touch.
   */
  private dropCaches(): void {
    this.tokens.drop();
    this.stores.drop();
    this.secrets.drop();
    this.anchors.drop();
  }

  async schemaVersion(): Promise<number> {
    return userVersion(this.db);
  }

  async migrate(): Promise<void> {
    try {
      migrate(this.db, this.location);
      this.dropCaches();
    } catch (error) {
      if (error instanceof SstoreError) throw error;
      if (isDiskFull(error)) throw diskFullError(this.location, error);
      throw new SstoreError('internal', `cannot migrate database ${this.location}: ${(error as Error).message}`, { cause: error });
    }
  }

  async getMeta(key: string): Promise<Uint8Array | undefined> {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return row ? (row.value as Uint8Array) : undefined;
  }

  async hasSecrets(): Promise<boolean> {
    return this.stmt('SELECT 1 FROM secrets LIMIT 1').get() !== undefined;
  }

  async isReachable(): Promise<boolean> {
    try {
      return this.db.isOpen && this.stmt('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async claimMeta(key: string, value: Uint8Array): Promise<Uint8Array> {
    return this.transaction(() => {
      this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
      return (this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as Row).value as Uint8Array;
    });
  }

  async isEmpty(): Promise<boolean> {
    return (
      this.stmt('SELECT 1 FROM stores LIMIT 1').get() === undefined && this.stmt('SELECT 1 FROM tokens LIMIT 1').get() === undefined
    );
  }

  async setMeta(key: string, value: Uint8Array): Promise<void> {
    this.transaction(() => {
      this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
    });
  }

  async listStores(query: StoreQuery): Promise<Page<StoreRecord>> {
    const where = ['namespace = ?', 'account_id = ?'];
    const params: SQLInputValue[] = [query.namespace, query.accountId];
    if (query.managedBy !== undefined) {
      where.push('managed_by = ?');
      params.push(query.managedBy);
    }
    return this.page('stores', STORE_COLUMNS, where, params, STORE_ORDER_COLUMN[query.order], query.direction, query.window, toStore);
  }

  getStore(namespace: Namespace, accountId: string, storeId: string): StoreRecord | undefined {
    const key = `${namespace}\u0000${accountId}\u0000${storeId}`;
    const cached = this.stores.get(key);
    if (cached) return cached;
    const row = this.rows(`SELECT ${STORE_COLUMNS} FROM stores WHERE id = ? AND namespace = ? AND account_id = ?`).get(
      storeId,
      namespace,
      accountId,
    );
    if (!row) return undefined; // a miss is not cached: unknown ids would fill the cache
    const store = Object.freeze(toStore(row));
    if (this.seenDataVersion !== undefined) this.stores.set(key, store);
    return store;
  }

  async insertStore(store: StoreRecord, maxStores: number): Promise<void> {
    this.dropCaches();
    this.transaction(() => {
      const { n } = this.stmt('SELECT COUNT(*) AS n FROM stores WHERE namespace = ? AND account_id = ?').get(
        store.namespace,
        store.accountId,
      ) as { n: number };
      if (n >= maxStores) {
        throw new SstoreError('quota', `maximum number of stores exceeded (${maxStores} per account)`, {
          reason: 'maximum_stores_exceeded',
        });
      }
      this.insertStoreRow(store);
    });
  }

  private insertStoreRow(store: StoreRecord): void {
    try {
      this.stmt(
        'INSERT INTO stores (id, namespace, account_id, name, managed_by, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(store.id, store.namespace, store.accountId, store.name, store.managedBy, store.created, store.modified);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SstoreError('conflict', `a store named "${store.name}" already exists`, { reason: 'store_name_already_exists' });
      }
      throw error;
    }
  }

  async deleteStore(storeId: string, force: boolean): Promise<void> {
    this.dropCaches();
    this.transaction(() => {
      const { n } = (this.stmt('SELECT secret_count AS n FROM stores WHERE id = ?').get(storeId) as { n: number } | undefined) ?? { n: 0 };
      if (n > 0 && !force) {
        throw new SstoreError('conflict', `store is not empty: it holds ${n} secret${n === 1 ? '' : 's'}`, {
          reason: 'store_not_empty',
          hint: 'delete its secrets first, or pass force=true (--force) to delete them with the store',
        });
      }
      this.stmt('DELETE FROM secrets WHERE store_id = ?').run(storeId);
      const { changes } = this.stmt('DELETE FROM stores WHERE id = ?').run(storeId);
      if (Number(changes) === 0) throw new SstoreError('not_found', 'store not found', { reason: 'store_not_found' });
    });
  }

  async listSecrets(query: SecretQuery): Promise<Page<SecretRecord>> {
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
    // Unfiltered, the total is the store's counter instead of a COUNT(*) over its index.
    const total =
      where.length === 1
        ? ((this.stmt('SELECT secret_count AS n FROM stores WHERE id = ?').get(query.storeId) as { n: number } | undefined)?.n ?? 0)
        : undefined;
    return this.page('secrets', SECRET_COLUMNS, where, params, SECRET_ORDER_COLUMN[query.order], query.direction, query.window, toSecret, total);
  }

  /** One ordering for offset pages and keyset cursors: the sort column, then `seq` as the tie-break. */
  private page<T>(
    table: 'stores' | 'secrets',
    columns: string,
    where: string[],
    params: SQLInputValue[],
    orderColumn: string,
    direction: SortDirection,
    window: Window,
    map: (row: Values) => T,
    knownTotal?: number,
  ): Page<T> {
    const filter = where.join(' AND ');
    const total =
      knownTotal ?? (this.stmt(`SELECT COUNT(*) AS n FROM ${table} WHERE ${filter}`).get(...params) as { n: number }).n;
    const asc = direction === 'asc';
    const orderBy = (forward: boolean) => {
      const dir = forward === asc ? 'ASC' : 'DESC';
      return `ORDER BY ${orderColumn} ${dir}, seq ${dir}`;
    };
    if (window.kind === 'all') {
      const rows = this.rows(`SELECT ${columns} FROM ${table} WHERE ${filter} ${orderBy(true)}`).all(...params);
      return { items: rows.map(map), total, hasMore: false };
    }
    if (window.kind === 'offset') {
      const rows = this.offsetRows(table, columns, filter, params, orderColumn, asc, orderBy(true), window.offset, window.limit);
      return { items: rows.map(map), total, hasMore: window.offset + rows.length < total };
    }
    const forward = window.kind === 'after';
    let keyset = '';
    const keysetParams: SQLInputValue[] = [];
    if (window.cursorId !== undefined) {
      const cursor = this.stmt(`SELECT ${orderColumn} AS k, seq FROM ${table} WHERE id = ? AND ${filter}`).get(
        window.cursorId,
        ...params,
      ) as { k: SQLInputValue; seq: number } | undefined;
      if (!cursor) throw new SstoreError('validation', `cursor "${window.cursorId}" is not an item of this list`, { reason: 'invalid_cursor' });
      // A row value, so that SQLite seeks on the index instead of filtering from the start of the list.
      keyset = ` AND (${orderColumn}, seq) ${forward === asc ? '>' : '<'} (?, ?)`;
      keysetParams.push(cursor.k, cursor.seq);
    }
    const rows = this.rows(`SELECT ${columns} FROM ${table} WHERE ${filter}${keyset} ${orderBy(forward)} LIMIT ?`).all(
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
  private offsetRows(
    table: 'stores' | 'secrets',
    columns: string,
    filter: string,
    params: SQLInputValue[],
    orderColumn: string,
    asc: boolean,
    orderBy: string,
    offset: number,
    limit: number,
  ): Values[] {
    const list = `${table}\u0000${filter}\u0000${orderColumn}\u0000${asc}\u0000${params.join('\u0000')}\u0000`;
    const anchor = offset > 0 ? this.anchors.get(`${list}${offset}`) : undefined;
    const selected = `SELECT ${columns}, ${orderColumn} AS anchor_key, seq AS anchor_seq FROM ${table}`;
    const rows = (
      anchor
        ? this.rows(`${selected} WHERE ${filter} AND (${orderColumn}, seq) ${asc ? '>' : '<'} (?, ?) ${orderBy} LIMIT ?`).all(
            ...params,
            anchor.key,
            anchor.seq,
            limit,
          )
        : this.rows(`${selected} WHERE seq IN (SELECT seq FROM ${table} WHERE ${filter} ${orderBy} LIMIT ? OFFSET ?) ${orderBy}`).all(
            ...params,
            limit,
            offset,
          )
    );
    const last = rows.at(-1);
    if (last && rows.length === limit && this.seenDataVersion !== undefined) {
      // anchor_key and anchor_seq are the last two values of a row; the mapping reads only the columns before them.
      this.anchors.set(`${list}${offset + limit}`, { key: last.at(-2) as SQLInputValue, seq: last.at(-1) as number });
    }
    return rows;
  }

  getSecret(storeId: string, secretId: string): SecretRecord | undefined {
    const key = `${storeId}\u0000${secretId}`;
    const cached = this.secrets.get(key);
    if (cached) return cached;
    const row = this.rows(`SELECT ${SECRET_COLUMNS} FROM secrets WHERE store_id = ? AND id = ?`).get(storeId, secretId);
    if (!row) return undefined; // a miss is not cached: unknown ids would fill the cache
    const secret = toSecret(row);
    Object.freeze(secret.scopes);
    Object.freeze(secret);
    if (this.seenDataVersion !== undefined) this.secrets.set(key, secret);
    return secret;
  }

  async getSecretByName(storeId: string, name: string): Promise<SecretRecord | undefined> {
    const row = this.rows(`SELECT ${SECRET_COLUMNS} FROM secrets WHERE store_id = ? AND name = ?`).get(storeId, name);
    return row ? toSecret(row) : undefined;
  }

  async getSealedValue(storeId: string, secretId: string): Promise<Uint8Array | undefined> {
    const row = this.stmt('SELECT value FROM secrets WHERE store_id = ? AND id = ?').get(storeId, secretId) as Row | undefined;
    return row ? (row.value as Uint8Array) : undefined;
  }

  async countSecrets(namespace: Namespace, accountId: string): Promise<number> {
    return this.countSecretsNow({ namespace, accountId });
  }

  /**
   * Group commit: inserts asked for in the same turn of the event loop share one transaction, so one fsync acknowledges
   * them all. Each call still succeeds or fails alone (a savepoint each), and none resolves before the commit.
   */
  insertSecrets(rows: NewSecretRow[], scope: AccountScope, maxSecrets: number): Promise<void> {
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
    return new Promise((resolve, reject) => {
      this.pendingInserts.push({ rows, scope, maxSecrets, resolve, reject });
      if (this.pendingInserts.length === 1) setImmediate(() => this.flushInserts());
    });
  }

  private flushInserts(): void {
    const batch = this.pendingInserts;
    this.pendingInserts = [];
    if (batch.length === 0) return;
    const failures = new Map<PendingInsert, unknown>();
    try {
      this.transaction(() => {
        // Counted once per account and batch; the write lock keeps the count exact until the commit.
        const usage = new Map<string, number>();
        for (const item of batch) {
          this.db.exec('SAVEPOINT insert_secrets');
          try {
            const account = `${item.scope.namespace}\u0000${item.scope.accountId}`;
            const n = usage.get(account) ?? this.countSecretsNow(item.scope);
            this.insertRows(item.rows, item.scope, n, item.maxSecrets);
            usage.set(account, n + item.rows.length);
            this.db.exec('RELEASE insert_secrets');
          } catch (error) {
            try {
              this.db.exec('ROLLBACK TO insert_secrets');
              this.db.exec('RELEASE insert_secrets');
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

  private countSecretsNow(scope: AccountScope): number {
    const { n } = this.stmt('SELECT COALESCE(SUM(secret_count), 0) AS n FROM stores WHERE namespace = ? AND account_id = ?').get(
      scope.namespace,
      scope.accountId,
    ) as { n: number };
    return n;
  }

  private insertRows(rows: NewSecretRow[], scope: AccountScope, n: number, maxSecrets: number): void {
    if (n + rows.length > maxSecrets) {
      throw new SstoreError(
        'quota',
        `secrets quota exceeded: the account holds ${n} of ${maxSecrets} and the request adds ${rows.length}`,
        { reason: 'quota_exceeded' },
      );
    }
    const insert = this.stmt(
      `INSERT INTO secrets (id, store_id, namespace, account_id, name, comment, scopes, status, value, not_before, expires_on,
        created, modified, created_by, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const { record: r, sealed } of rows) {
      try {
        insert.run(
          r.id,
          r.storeId,
          scope.namespace,
          scope.accountId,
          r.name,
          r.comment,
          encodeScopes(r.scopes),
          r.status,
          sealed,
          r.notBefore,
          r.expiresOn,
          r.created,
          r.modified,
          r.createdBy,
          r.updatedBy,
        );
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new SstoreError('conflict', `a secret named "${r.name}" already exists in this store`, {
            reason: 'secret_name_already_exists',
          });
        }
        throw error;
      }
    }
  }

  async updateSecret(storeId: string, secretId: string, patch: SecretPatch): Promise<SecretRecord> {
    const sets = ['modified = ?'];
    const params: SQLInputValue[] = [patch.modified];
    if (patch.comment !== undefined) (sets.push('comment = ?'), params.push(patch.comment));
    if (patch.scopes !== undefined) (sets.push('scopes = ?'), params.push(encodeScopes(patch.scopes)));
    if (patch.sealed !== undefined) (sets.push('value = ?'), params.push(patch.sealed));
    if (patch.notBefore !== undefined) (sets.push('not_before = ?'), params.push(patch.notBefore));
    if (patch.expiresOn !== undefined) (sets.push('expires_on = ?'), params.push(patch.expiresOn));
    if (patch.updatedBy !== undefined) (sets.push('updated_by = ?'), params.push(patch.updatedBy));
    this.secrets.delete(`${storeId}\u0000${secretId}`);
    return this.transaction(() => {
      const { changes } = this.stmt(`UPDATE secrets SET ${sets.join(', ')} WHERE store_id = ? AND id = ?`).run(
        ...params,
        storeId,
        secretId,
      );
      if (Number(changes) === 0) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
      return toSecret(this.rows(`SELECT ${SECRET_COLUMNS} FROM secrets WHERE id = ?`).get(secretId)!);
    });
  }

  async deleteSecrets(storeId: string, secretIds: string[]): Promise<void> {
    for (const id of secretIds) this.secrets.delete(`${storeId}\u0000${id}`);
    this.transaction(() => {
      const del = this.stmt('DELETE FROM secrets WHERE store_id = ? AND id = ?');
      const missing = [...new Set(secretIds)].filter((id) => Number(del.run(storeId, id).changes) === 0);
      if (missing.length > 0) {
        throw new SstoreError('not_found', `secret${missing.length === 1 ? '' : 's'} not found: ${missing.join(', ')}`, {
          reason: 'secret_not_found',
        });
      }
    });
  }

  async insertToken(token: TokenRecord, hash: string, ifNameTaken: 'fail' | 'replace' | 'keep'): Promise<boolean> {
    this.dropCaches();
    return this.transaction(() => {
      const taken = this.stmt('SELECT id FROM tokens WHERE name = ?').get(token.name) !== undefined;
      if (taken && ifNameTaken === 'keep') return false;
      if (taken && ifNameTaken === 'replace') this.stmt('DELETE FROM tokens WHERE name = ?').run(token.name);
      this.insertTokenRow(token, hash);
      return true;
    });
  }

  private insertTokenRow(token: TokenRecord, hash: string): void {
    try {
      this.stmt('INSERT INTO tokens (id, name, hash, permissions, account, service, created) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        token.id,
        token.name,
        Buffer.from(hash, 'hex'),
        token.permissions.join(','),
        token.account,
        token.service,
        token.created,
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (/tokens\.name/.test((error as Error).message)) {
        throw new SstoreError('conflict', `a token named "${token.name}" already exists`, { reason: 'token_name_already_exists' });
      }
      throw new SstoreError('conflict', 'that token value is already in use', { reason: 'token_already_exists' });
    }
  }

  findTokenByHash(hash: string): { token: TokenRecord; hash: Uint8Array } | undefined {
    const cached = this.tokens.get(hash);
    if (cached) return cached;
    const row = this.stmt('SELECT * FROM tokens WHERE hash = ?').get(Buffer.from(hash, 'hex')) as Row | undefined;
    if (!row) return undefined; // a miss is not cached: wrong tokens would fill the cache
    const token = toToken(row);
    Object.freeze(token.permissions);
    const found = { token: Object.freeze(token), hash: row.hash as Uint8Array };
    if (this.seenDataVersion !== undefined) this.tokens.set(hash, found);
    return found;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (this.stmt('SELECT * FROM tokens ORDER BY created, id').all() as Row[]).map(toToken);
  }

  async deleteToken(idOrName: string): Promise<boolean> {
    this.dropCaches();
    return this.transaction(() => Number(this.stmt('DELETE FROM tokens WHERE id = ? OR name = ?').run(idOrName, idOrName).changes) > 0);
  }

  async *exportAll(): AsyncIterable<StorageItem> {
    for (const row of this.stmt('SELECT key, value FROM meta ORDER BY key').iterate() as Iterable<Row>) {
      yield { kind: 'meta', key: row.key as string, value: row.value as Uint8Array };
    }
    for (const row of this.rows(`SELECT ${STORE_COLUMNS} FROM stores ORDER BY seq`).all()) {
      yield { kind: 'store', store: toStore(row) };
    }
    // A page at a time: a large store is never held in memory whole.
    const page = this.rows(`SELECT ${SECRET_COLUMNS}, value, seq FROM secrets WHERE seq > ? ORDER BY seq LIMIT 500`);
    for (let after = 0; ; ) {
      const rows = page.all(after);
      for (const row of rows) yield { kind: 'secret', record: toSecret(row), sealed: row[12] as Uint8Array };
      if (rows.length < 500) break;
      after = rows.at(-1)![13] as number;
    }
    for (const row of this.stmt('SELECT * FROM tokens ORDER BY created, id').all() as Row[]) {
      yield { kind: 'token', token: toToken(row), hash: Buffer.from(row.hash as Uint8Array).toString('hex') };
    }
  }

  async importAll(items: AsyncIterable<StorageItem>, options: { replace: boolean }): Promise<number> {
    // Collected first: a SQLite transaction cannot stay open across awaits another caller might interleave with.
    const all: StorageItem[] = [];
    for await (const item of items) all.push(item);
    this.dropCaches();
    return this.transaction(() => {
      if (options.replace) {
        this.stmt('DELETE FROM secrets').run();
        this.stmt('DELETE FROM stores').run();
        this.stmt('DELETE FROM tokens').run();
      } else if (
        this.stmt('SELECT 1 FROM stores LIMIT 1').get() !== undefined ||
        this.stmt('SELECT 1 FROM tokens LIMIT 1').get() !== undefined
      ) {
        throw new SstoreError('conflict', `${this.location} is not empty`, { reason: 'target_not_empty' });
      }
      const scopes = new Map<string, AccountScope>();
      for (const item of all) {
        if (item.kind === 'meta') {
          this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(item.key, item.value);
        } else if (item.kind === 'store') {
          this.insertStoreRow(item.store);
          scopes.set(item.store.id, { namespace: item.store.namespace, accountId: item.store.accountId });
        } else if (item.kind === 'secret') {
          const scope = scopes.get(item.record.storeId);
          if (!scope) throw new SstoreError('validation', `secret ${item.record.id} belongs to no copied store`);
          this.insertRows([{ record: item.record, sealed: item.sealed }], scope, 0, Number.MAX_SAFE_INTEGER);
        } else {
          this.insertTokenRow(item.token, item.hash);
        }
      }
      return all.length;
    });
  }

  async close(): Promise<void> {
    this.flushInserts();
    if (this.db.isOpen) this.db.close();
  }
}
