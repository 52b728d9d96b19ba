import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { SstoreError } from '../../../src/errors.ts';
import { type AuditAction, type AuditDraft, draft } from '../../../src/engine/audit/entry.ts';
import type { Storage } from '../../../src/engine/storage/storage.ts';
import type { Namespace, SecretRecord, SecretStatus, StoreRecord, TokenRecord } from '../../../src/engine/types.ts';

/** How the contract reaches a backend: `exerciseStorage` runs every test against what it gives. */
export interface ContractBackend {
  /** Names the backend in the tests' titles. */
  name: string;
  /** A new, empty database (every test gets its own). */
  fresh(): Promise<ContractDatabase>;
  /** What the backend's table names start with (`sstore_` on PostgreSQL), for the tests that tamper with rows. */
  tablePrefix: string;
}

export interface ContractDatabase {
  /**
   * A new connection to this database, migrated, with caches of its own: as another process or server instance would
   * open it. Two connections of one database are what cache coherence is about.
   */
  connect(): Promise<Storage>;
  /**
   * A connection whose work runs in parallel with this process's others (SQLite: one in a worker thread, since its
   * calls are synchronous), for the races on limits and meta. Default: `connect`.
   */
  connectRacer?(): Promise<Storage>;
  /** Removes the database, after every connection was closed. */
  drop?(): Promise<void>;
  /** Runs SQL outside the storage, as someone with write access to the database would (tampering). */
  sql(statement: string): Promise<void>;
}

/** One test's database: its connections are closed and the database dropped when the test ends. */
export interface Database {
  connect(): Promise<Storage>;
  racer(): Promise<Storage>;
  sql(statement: string): Promise<void>;
  /** A table's name on this backend. */
  table(name: string): string;
}

export async function withDatabase<T>(backend: ContractBackend, work: (db: Database) => Promise<T>): Promise<T> {
  const fresh = await backend.fresh();
  const opened: Storage[] = [];
  const track = async (storage: Promise<Storage>) => {
    const s = await storage;
    opened.push(s);
    return s;
  };
  const db: Database = {
    connect: () => track(fresh.connect()),
    racer: () => track((fresh.connectRacer ?? fresh.connect)()),
    sql: (statement) => fresh.sql(statement),
    table: (name) => `${backend.tablePrefix}${name}`,
  };
  try {
    return await work(db);
  } finally {
    await Promise.allSettled(opened.map((s) => s.close()));
    await fresh.drop?.();
  }
}

/**
 * What a server does before a request: a request arrives in a later turn of the event loop than the write its client
 * saw acknowledged, and `revalidate` is called first. (SQLite checks once per turn: every request read in one turn
 * was sent after the writes acknowledged before that turn began, so one check serves them all.)
 */
export async function nextRequest(storage: Storage): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await storage.revalidate();
}

/** Asserts that `work` fails with an SstoreError of this kind (and reason, when given); returns it. */
export async function rejectsWith(work: Promise<unknown>, kind: SstoreError['kind'], reason?: string): Promise<SstoreError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof SstoreError, `expected an SstoreError, got ${String(error)}`);
    assert.equal(error.kind, kind, `kind of: ${error.message}`);
    if (reason !== undefined) assert.equal(error.reason, reason, `reason of: ${error.message}`);
    return error;
  }
  assert.fail(`expected a ${kind} error, but it succeeded`);
}

let counter = 0;
/** Ids as the engine makes them (32 hex), unique within a run. */
export function id(): string {
  return randomBytes(16).toString('hex');
}

export function store(fields: Partial<StoreRecord> & { name: string }): StoreRecord {
  const now = 1_700_000_000_000_000 + counter++;
  return { id: id(), namespace: 'cloudflare', accountId: 'acct', managedBy: null, created: now, modified: now, ...fields };
}

export function secret(storeRecord: StoreRecord, fields: Partial<SecretRecord> & { name: string }): SecretRecord {
  const now = 1_700_000_000_000_000 + counter++;
  return {
    id: id(),
    storeId: storeRecord.id,
    comment: null,
    scopes: ['workers'],
    status: 'active' as SecretStatus,
    notBefore: null,
    expiresOn: null,
    created: now,
    modified: now,
    createdBy: null,
    updatedBy: null,
    ...fields,
  };
}

/** A sealed value stand-in: the storage keeps bytes as given, whatever they are. */
export function sealed(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(`sealed:${text}:${randomBytes(4).toString('hex')}`));
}

export function scopeOf(s: StoreRecord): { namespace: Namespace; accountId: string } {
  return { namespace: s.namespace, accountId: s.accountId };
}

/** Inserts a store and its secrets (one batch), with limits out of the way. */
export async function seed(storage: Storage, s: StoreRecord, secrets: SecretRecord[] = []): Promise<void> {
  await storage.insertStore(s, 1_000, audit('store.create'));
  if (secrets.length > 0) {
    await storage.insertSecrets(
      secrets.map((record) => ({ record, sealed: sealed(record.name) })),
      scopeOf(s),
      1_000_000,
      secrets.map((record) => audit('secret.create', { storeId: s.id, secretId: record.id, name: record.name })),
    );
  }
}

export function token(fields: Partial<TokenRecord> & { name: string }): { token: TokenRecord; hash: string; secret: string } {
  const secretText = `sst_${randomBytes(16).toString('hex')}`;
  return {
    token: { id: id(), permissions: ['read'], account: null, service: null, created: 1_700_000_000_000_000 + counter++, ...fields },
    hash: createHash('sha256').update(secretText).digest('hex'),
    secret: secretText,
  };
}

/** Every secret of a store, in name order. */
export async function secretNames(storage: Storage, storeId: string): Promise<string[]> {
  const page = await storage.listSecrets({ storeId, order: 'name', direction: 'asc', window: { kind: 'all' } });
  return page.items.map((s) => s.name);
}

/** A record as plain data, so that frozen cached objects and fresh ones compare equal. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The actor of the contract's writes. */
export const ACTOR = Object.freeze({ name: 'contract', osUser: null });

/** An audit draft of this action, for writes whose trail a test does not look at. */
export function audit(action: AuditAction, about: Parameters<typeof draft>[3] = {}): AuditDraft {
  return draft(ACTOR, action, 1_700_000_000_000_000 + counter++, about);
}
