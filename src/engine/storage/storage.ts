import type {
  Namespace,
  Page,
  SecretQuery,
  SecretRecord,
  StoreQuery,
  StoreRecord,
  TokenRecord,
} from '../types.ts';
import type { Awaitable } from '../awaitable.ts';

/**
 * What the engine needs from a database. Every mutating method is one atomic transaction: it either happens
 * completely or not at all, including the limit checks it is given. Methods are async so that a networked backend
 * (PostgreSQL) fits the same interface as the embedded SQLite one; the three lookups on every request's path
 * (token, store, secret by id) are Awaitable, so that SQLite and its caches answer them without a promise.
 */
export interface Storage {
  readonly location: string;

  /** The schema version the database is at (0: empty), and bringing it to the newest one. */
  schemaVersion(): Promise<number>;
  migrate(): Promise<void>;

  /**
   * Makes cached reads current: drops whatever was cached if another connection (another process) has committed
   * since the last check. The server calls it at the start of every request; requests read in the same turn of the
   * event loop share one check, so a token revoked or a store deleted elsewhere counts from the next request that
   * arrives after the commit. Cached: tokens by hash, stores and secrets (metadata only, never a value) by id. Until
   * the first call nothing is cached. Synchronous and cheap.
   */
  revalidate(): void;

  getMeta(key: string): Promise<Uint8Array | undefined>;
  /** Whether any secret (a sealed value) is stored: such a database must never get a new master key. */
  hasSecrets(): Promise<boolean>;
  setMeta(key: string, value: Uint8Array): Promise<void>;

  listStores(query: StoreQuery): Promise<Page<StoreRecord>>;
  getStore(namespace: Namespace, accountId: string, storeId: string): Awaitable<StoreRecord | undefined>;
  /** Inserts, failing with `conflict` on a duplicate name and `quota` past `maxStores` for the account. */
  insertStore(store: StoreRecord, maxStores: number): Promise<void>;
  /** Deletes a store; a store that still holds secrets needs `force`, else `conflict` (store_not_empty). */
  deleteStore(storeId: string, force: boolean): Promise<void>;

  listSecrets(query: SecretQuery): Promise<Page<SecretRecord>>;
  getSecret(storeId: string, secretId: string): Awaitable<SecretRecord | undefined>;
  getSecretByName(storeId: string, name: string): Promise<SecretRecord | undefined>;
  getSealedValue(storeId: string, secretId: string): Promise<Uint8Array | undefined>;
  countSecrets(namespace: Namespace, accountId: string): Promise<number>;
  /**
   * Inserts all rows or none. Fails with `conflict` when a name exists in the store (or twice in the batch) and with
   * `quota` when the account would hold more than `maxSecrets`.
   */
  insertSecrets(rows: NewSecretRow[], scope: AccountScope, maxSecrets: number): Promise<void>;
  /** Applies the given fields; `not_found` when the secret does not exist. */
  updateSecret(storeId: string, secretId: string, patch: SecretPatch): Promise<SecretRecord>;
  /** Deletes all the ids or none; `not_found` names the ids that are missing. */
  deleteSecrets(storeId: string, secretIds: string[]): Promise<void>;

  /**
   * Inserts a token in one transaction. When its name is taken: `fail` throws `conflict`, `replace` deletes the
   * other token first, `keep` leaves it and returns false.
   */
  /** `hash`: the token's SHA-256 in hex (see hashToken); stored as its bytes. */
  insertToken(token: TokenRecord, hash: string, ifNameTaken: 'fail' | 'replace' | 'keep'): Promise<boolean>;
  findTokenByHash(hash: string): Awaitable<{ token: TokenRecord; hash: Uint8Array } | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  /** Deletes a token by id or name; returns whether one existed. */
  deleteToken(idOrName: string): Promise<boolean>;

  close(): Promise<void>;
}

export interface AccountScope {
  namespace: Namespace;
  accountId: string;
}

export interface NewSecretRow {
  record: SecretRecord;
  sealed: Uint8Array;
}

export interface SecretPatch {
  comment?: string | null;
  scopes?: string[];
  /** A new value, sealed for this secret's id. */
  sealed?: Uint8Array;
  notBefore?: number | null;
  expiresOn?: number | null;
  modified: number;
  updatedBy?: string | null;
}
