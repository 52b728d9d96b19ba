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
import type { AuditDraft, AuditEntry, AuditFilter } from '../audit/entry.ts';

/**
 * What the engine needs from a database, shaped by neither backend (SQLite, PostgreSQL). Every mutating method is one
 * atomic transaction: it either happens completely or not at all, including the limit checks it is given, and the
 * limits hold exactly however many processes or server instances write at once. Failures are SstoreErrors with the
 * kinds and reasons each method names, never a backend's own error; a database that cannot be reached is an
 * `internal` error with status 503 and reason `database_unavailable` (the server answers 503 with Retry-After), a
 * full disk one with status 507. Methods are async so that a networked backend fits;
 * the three lookups on every request's path (token, store, secret by id) and `revalidate` are Awaitable, so that
 * SQLite and its caches answer them without a promise. test/storage/contract.ts is the executable form of this
 * contract: every backend passes it unchanged.
 *
 * The audit trail: every mutating method takes the audit draft(s) of what it does and appends them in the same
 * transaction, under the write lock that orders the chain (a crash leaves both or neither; a refused mutation, one that
 * throws, appends nothing). Appending gives each entry the next id and chains its hash (audit/entry.ts chainEntry).
 */
export interface Storage {
  /** Where the data is, for messages: a file path, or a database URL without its password. */
  readonly location: string;

  /** The schema version the database is at (0: empty), and bringing it to the newest one. */
  schemaVersion(): Promise<number>;
  migrate(): Promise<void>;

  /**
   * The coherence hook. The server calls it at the start of every request, before anything is read; once it has
   * returned, reads see every write that any connection (another process, another server instance) had acknowledged
   * before the call. How is the backend's business: SQLite compares `PRAGMA data_version` synchronously and drops its
   * caches of metadata (never a value) when another connection committed; a backend without caches returns at once.
   * Until the first call a backend caches nothing, so one-shot users (CLI commands, `server token`) never read stale.
   */
  revalidate(): Awaitable<void>;

  /** Whether the database answers now (for /healthz); never throws. */
  isReachable(): Promise<boolean>;

  getMeta(key: string): Promise<Uint8Array | undefined>;
  setMeta(key: string, value: Uint8Array): Promise<void>;
  /**
   * Stores `value` under `key` unless a value is there already, and returns what is stored then: when several
   * processes race to set the same key (two instances writing the master-key check), all of them get the winner's.
   */
  claimMeta(key: string, value: Uint8Array): Promise<Uint8Array>;
  /** Whether any secret (a sealed value) is stored: such a database must never get a new master key. */
  hasSecrets(): Promise<boolean>;
  /** Whether the database holds no store, secret or token (meta such as the key check does not count). */
  isEmpty(): Promise<boolean>;

  /**
   * A page of a list. Order: the sort key, ties by when the row was made, both in the query's direction; text by its
   * UTF-8 bytes; a missing comment as the empty one. `search`: ASCII letters case-insensitively, every other character
   * (`%`, `_`, `\` too) literally. A cursor that is not an item of the filtered list: `validation` (invalid_cursor).
   * test/storage/contract/reference.ts computes what every window must return.
   */
  listStores(query: StoreQuery): Promise<Page<StoreRecord>>;
  getStore(namespace: Namespace, accountId: string, storeId: string): Awaitable<StoreRecord | undefined>;
  /** Inserts, failing with `conflict` on a duplicate name and `quota` past `maxStores` for the account. */
  insertStore(store: StoreRecord, maxStores: number, audit: AuditDraft): Promise<void>;
  /**
   * Deletes a store (with its secrets' versions); a store that still holds secrets needs `force`, else `conflict`
   * (store_not_empty); `not_found` (store_not_found) when it is gone.
   */
  deleteStore(storeId: string, force: boolean, audit: AuditDraft): Promise<void>;

  listSecrets(query: SecretQuery): Promise<Page<SecretRecord>>;
  getSecret(storeId: string, secretId: string): Awaitable<SecretRecord | undefined>;
  getSecretByName(storeId: string, name: string): Promise<SecretRecord | undefined>;
  getSealedValue(storeId: string, secretId: string): Promise<Uint8Array | undefined>;
  countSecrets(namespace: Namespace, accountId: string): Promise<number>;
  /**
   * Inserts all rows or none. Fails with `conflict` when a name exists in the store (or twice in the batch) and with
   * `quota` when the account would hold more than `maxSecrets`.
   */
  insertSecrets(rows: NewSecretRow[], scope: AccountScope, maxSecrets: number, audit: AuditDraft[]): Promise<void>;
  /**
   * Applies the given fields; `not_found` when the secret does not exist. With a new value (`patch.sealed`), the value
   * it replaces is kept as a version (see listVersions), and of those kept versions only the newest `keepVersions`
   * stay (0: none), the oldest dropped in the same transaction.
   */
  updateSecret(storeId: string, secretId: string, patch: SecretPatch, audit: AuditDraft, keepVersions: number): Promise<SecretRecord>;
  /** Deletes all the ids or none, with their versions; `not_found` names the ids that are missing. */
  deleteSecrets(storeId: string, secretIds: string[], audit: AuditDraft[]): Promise<void>;

  /**
   * A secret's value history, newest first: the current value (`current: true`, the highest number) and the kept
   * earlier ones. Versions are numbered 1, 2, 3 … per secret: creating it makes version 1, each new value the next.
   * Empty when the secret does not exist.
   */
  listVersions(storeId: string, secretId: string): Promise<SecretVersion[]>;
  /** A version's sealed value (sealed for the secret's own AAD, as getSealedValue's), or undefined when not kept. */
  getSealedVersion(storeId: string, secretId: string, version: number): Promise<Uint8Array | undefined>;

  /** Appends entries of what changes nothing (reveals) in a transaction of their own; throws when it cannot. */
  appendAudit(audit: AuditDraft[]): Promise<void>;
  /** Entries matching the filter, oldest (lowest id) first. */
  listAudit(filter: AuditFilter): Promise<AuditEntry[]>;
  /**
   * Deletes the entries older than `before` (µs) and appends `audit` (an audit.prune draft) with the storage's
   * `detail` added, in one transaction: `pruned`, `before` and, when any were pruned, `lastId` and `lastHash` of the
   * newest pruned entry, so that the chain verifies from the first kept entry. Returns the appended entry.
   */
  pruneAudit(before: number, audit: AuditDraft): Promise<AuditEntry>;

  /**
   * Inserts a token in one transaction. When its name is taken: `fail` throws `conflict`, `replace` deletes the
   * other token first, `keep` leaves it and returns false. `hash`: the token's SHA-256 in hex (see hashToken). The
   * conflicts' reasons: `token_name_already_exists`, and `token_already_exists` for a hash in use.
   */
  insertToken(token: TokenRecord, hash: string, ifNameTaken: 'fail' | 'replace' | 'keep', audit: AuditDraft): Promise<boolean>;
  findTokenByHash(hash: string): Awaitable<{ token: TokenRecord; hash: Uint8Array } | undefined>;
  /** Every token, in the order they were made (`created`, then id). */
  listTokens(): Promise<TokenRecord[]>;
  /**
   * Deletes a token by id or name; returns whether one existed (the audit draft is appended only then, its `name`
   * set to the deleted token's).
   */
  deleteToken(idOrName: string, audit: AuditDraft): Promise<boolean>;

  /**
   * Everything, for `sstore server copy`: meta, then stores, secrets (with their sealed values, as stored), their kept
   * versions, tokens and audit entries (ids and hashes as stored, so the copy's chain verifies), each in the order they
   * were made, so that a copy lists in the same order as its source. One consistent snapshot:
   * what another connection commits meanwhile is wholly absent from it, never half in it (a secret without its store).
   * Use a connection of its own: the snapshot may hold it until the iteration ends.
   */
  exportAll(): AsyncIterable<StorageItem>;
  /**
   * Writes what exportAll gave, in one transaction: all of it or nothing. `replace: false` fails with `conflict`
   * (reason `target_not_empty`) when the database is not empty; `replace: true` deletes its stores, secrets and tokens
   * first. Meta items overwrite. Items that clash (a name twice) fail with `conflict` as the insert methods do, a secret
   * of a store not given before it with `validation`; either way nothing was written. Returns the number of items.
   */
  importAll(items: AsyncIterable<StorageItem>, options: { replace: boolean }): Promise<number>;

  close(): Promise<void>;
}

/** One record of a whole database, as exportAll gives it and importAll takes it. */
export type StorageItem =
  | { kind: 'meta'; key: string; value: Uint8Array }
  | { kind: 'store'; store: StoreRecord }
  | { kind: 'secret'; record: SecretRecord; sealed: Uint8Array; current?: CurrentValue }
  | { kind: 'token'; token: TokenRecord; hash: string }
  | { kind: 'version'; storeId: string; secretId: string; version: SecretVersion; sealed: Uint8Array }
  | { kind: 'audit'; entry: AuditEntry };

/** The current value's place in its secret's history (absent: version 1, set when the secret was created). */
export interface CurrentValue {
  version: number;
  /** When it was set and by whom, when that was after the secret was created (else null: its created, created_by). */
  set: number | null;
  setBy: string | null;
}

/** One value of a secret's history (never the value itself). */
export interface SecretVersion {
  version: number;
  /** When this value was set (µs) and by whom (an actor's name; null before auditing existed). */
  created: number;
  actor: string | null;
  /** Whether it is the secret's value now. */
  current: boolean;
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
