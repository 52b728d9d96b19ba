import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SstoreError } from '../errors.ts';
import { andThen, type Awaitable } from './awaitable.ts';
import { nowMicros } from './clock.ts';
import { type Cipher, secretAad, sealedVersion } from './crypto.ts';
import { newId } from './ids.ts';
import { hasNul, refuseNul } from './nul.ts';
import type { Storage } from './storage/storage.ts';
import type {
  Limits,
  Namespace,
  Page,
  Permission,
  SecretQuery,
  SecretRecord,
  StoreQuery,
  StoreRecord,
  TokenRecord,
} from './types.ts';

export interface NewSecret {
  name: string;
  /** A string is stored as its UTF-8 bytes; bytes are stored exactly. */
  value: string | Uint8Array;
  scopes: string[];
  comment: string | null;
  notBefore?: number | null;
  expiresOn?: number | null;
}

export interface SecretChanges {
  value?: string | Uint8Array;
  comment?: string | null;
  scopes?: string[];
  notBefore?: number | null;
  expiresOn?: number | null;
}

export interface TokenSpec {
  name: string;
  permissions: Permission[];
  account?: string | null;
  service?: string | null;
  /** A chosen token (`--root-token`); otherwise a random `sst_` one. */
  token?: string;
  ifNameTaken?: 'fail' | 'replace' | 'keep';
}

/** Tokens are random, prefixed so secret scanners can find leaked ones, and stored only as SHA-256. */
export const TOKEN_PREFIX = 'sst_';

/** A token's SHA-256 in hex: what is stored, and the key of lookups (a string key needs no conversion per request). */
export function hashToken(token: string): string {
  return hash('sha256', token); // one-shot: no Hash object per request
}

/** The name of the one store that stands for an SGP account or a Neostore tenant. */
export const IMPLICIT_STORE_NAME = 'default';

/**
 * The secrets engine: stores, secrets, quota and tokens on top of a Storage, with values sealed by a Cipher.
 * Dialects validate wire input and decide authorization; the engine enforces the limits and never returns a value
 * except through `revealSecret`.
 */
export class Engine {
  readonly limits: Limits;
  private readonly storage: Storage;
  private readonly cipher: Cipher;

  constructor(storage: Storage, cipher: Cipher, limits: Limits) {
    this.storage = storage;
    this.cipher = cipher;
    this.limits = limits;
  }

  /** See Storage.revalidate: at the start of every request, before it reads anything. */
  revalidate(): Awaitable<void> {
    return this.storage.revalidate();
  }

  /** Whether the database answers (for /healthz). */
  isReachable(): Promise<boolean> {
    return this.storage.isReachable();
  }

  // ---- stores

  async listStores(query: StoreQuery): Promise<Page<StoreRecord>> {
    refuseNul('an account id, a service or a cursor', query.accountId, query.managedBy, cursorOf(query));
    return this.storage.listStores(query);
  }

  async createStore(namespace: Namespace, accountId: string, name: string, managedBy: string | null = null): Promise<StoreRecord> {
    refuseNul('an account id, a store name or a service', accountId, name, managedBy);
    const now = nowMicros();
    const store: StoreRecord = { id: newId(), namespace, accountId, name, managedBy, created: now, modified: now };
    await this.storage.insertStore(store, this.limits.maxStoresPerAccount);
    return store;
  }

  /** A store of the account; with `managedBy`, only one that service manages (else it is "not found"). */
  getStore(namespace: Namespace, accountId: string, storeId: string, managedBy?: string): Awaitable<StoreRecord> {
    if (hasNul(accountId, storeId, managedBy)) throw new SstoreError('not_found', 'store not found', { reason: 'store_not_found' });
    return andThen(this.storage.getStore(namespace, accountId, storeId), (store) => {
      if (!store || (managedBy !== undefined && store.managedBy !== managedBy)) {
        throw new SstoreError('not_found', 'store not found', { reason: 'store_not_found' });
      }
      return store;
    });
  }

  async deleteStore(store: StoreRecord, force: boolean): Promise<void> {
    await this.storage.deleteStore(store.id, force);
  }

  /** SGP accounts and Neostore tenants have no stores: each is one implicit store, made on first use. */
  async implicitStore(namespace: Namespace, accountId: string): Promise<StoreRecord> {
    const found = await this.findImplicitStore(namespace, accountId);
    if (found) return found;
    try {
      return await this.createStore(namespace, accountId, IMPLICIT_STORE_NAME);
    } catch (error) {
      // Another request made it first.
      if (error instanceof SstoreError && error.kind === 'conflict') return this.implicitStore(namespace, accountId);
      throw error;
    }
  }

  /** The implicit store if it was ever made; reads use this so that they never create one. */
  async findImplicitStore(namespace: Namespace, accountId: string): Promise<StoreRecord | undefined> {
    const found = await this.storage.listStores({
      namespace,
      accountId,
      order: 'created',
      direction: 'asc',
      window: { kind: 'offset', offset: 0, limit: 1 },
    });
    return found.items[0];
  }

  // ---- secrets

  async listSecrets(query: SecretQuery): Promise<Page<SecretRecord>> {
    refuseNul('a search, a scope or a cursor', query.search, ...(query.scopes ?? []), cursorOf(query));
    return this.storage.listSecrets(query);
  }

  getSecret(store: StoreRecord, secretId: string): Awaitable<SecretRecord> {
    if (hasNul(secretId)) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
    return andThen(this.storage.getSecret(store.id, secretId), (secret) => {
      if (!secret) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
      return secret;
    });
  }

  async findSecretByName(store: StoreRecord, name: string): Promise<SecretRecord | undefined> {
    if (hasNul(name)) return undefined;
    return this.storage.getSecretByName(store.id, name);
  }

  /** Creates every secret or none. */
  async createSecrets(store: StoreRecord, inputs: NewSecret[], actor: string | null = null): Promise<SecretRecord[]> {
    const rows = inputs.map((input) => {
      refuseNul('a secret name, comment or scope', input.name, input.comment, ...input.scopes);
      const bytes = this.checkValue(input.value);
      const now = nowMicros();
      const record: SecretRecord = {
        id: newId(),
        storeId: store.id,
        name: input.name,
        comment: input.comment,
        scopes: input.scopes,
        status: 'active',
        notBefore: input.notBefore ?? null,
        expiresOn: input.expiresOn ?? null,
        created: now,
        modified: now,
        createdBy: actor,
        updatedBy: actor,
      };
      return { record, sealed: this.cipher.seal(bytes, secretAad(store.id, record.id, record.name)) };
    });
    await this.storage.insertSecrets(rows, store, this.limits.maxSecretsPerAccount);
    return rows.map((row) => row.record);
  }

  async patchSecret(store: StoreRecord, secretId: string, changes: SecretChanges, actor: string | null = null): Promise<SecretRecord> {
    // Nothing to change is not a change: the secret comes back as it is, `modified` untouched.
    if (Object.values(changes).every((change) => change === undefined)) return this.getSecret(store, secretId);
    if (hasNul(secretId)) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
    refuseNul('a comment or a scope', changes.comment, ...(changes.scopes ?? []));
    let sealed: Uint8Array | undefined;
    if (changes.value !== undefined) {
      const bytes = this.checkValue(changes.value);
      const { name } = await this.getSecret(store, secretId);
      sealed = this.cipher.seal(bytes, secretAad(store.id, secretId, name));
    }
    return this.storage.updateSecret(store.id, secretId, {
      ...(changes.comment !== undefined && { comment: changes.comment }),
      ...(changes.scopes !== undefined && { scopes: changes.scopes }),
      ...(sealed !== undefined && { sealed }),
      ...(changes.notBefore !== undefined && { notBefore: changes.notBefore }),
      ...(changes.expiresOn !== undefined && { expiresOn: changes.expiresOn }),
      ...(actor !== null && { updatedBy: actor }),
      modified: nowMicros(),
    });
  }

  /** Creates the named secret or replaces its value and window: Neostore's PUT. */
  async putSecretByName(store: StoreRecord, input: NewSecret, actor: string | null = null): Promise<{ record: SecretRecord; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.storage.getSecretByName(store.id, input.name);
      try {
        if (existing) {
          const record = await this.patchSecret(
            store,
            existing.id,
            { value: input.value, notBefore: input.notBefore ?? null, expiresOn: input.expiresOn ?? null },
            actor,
          );
          return { record, created: false };
        }
        const [record] = await this.createSecrets(store, [input], actor);
        return { record: record!, created: true };
      } catch (error) {
        // Lost a race with another writer of the same name: look again, once.
        const raced = error instanceof SstoreError && (error.kind === 'conflict' || error.kind === 'not_found');
        if (!raced || attempt > 0) throw error;
      }
    }
  }

  async deleteSecrets(store: StoreRecord, secretIds: string[]): Promise<void> {
    const unknown = secretIds.filter((id) => hasNul(id));
    if (unknown.length > 0) {
      throw new SstoreError('not_found', `secret${unknown.length === 1 ? '' : 's'} not found: ${unknown.map((id) => JSON.stringify(id)).join(', ')}`, {
        reason: 'secret_not_found',
      });
    }
    await this.storage.deleteSecrets(store.id, secretIds);
  }

  /** A new secret with a new id and the same value, re-sealed for its own id. */
  async duplicateSecret(
    store: StoreRecord,
    secretId: string,
    target: { name: string; scopes: string[]; comment: string | null },
    actor: string | null = null,
  ): Promise<SecretRecord> {
    const value = await this.revealSecret(store, secretId);
    const [copy] = await this.createSecrets(store, [{ ...target, value }], actor);
    return copy!;
  }

  async revealSecret(store: StoreRecord, secretId: string): Promise<Buffer> {
    const { name } = await this.getSecret(store, secretId);
    const sealed = await this.storage.getSealedValue(store.id, secretId);
    if (!sealed) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
    return this.cipher.open(sealed, secretAad(store.id, secretId, name, sealedVersion(sealed)));
  }

  async usage(namespace: Namespace, accountId: string): Promise<{ usage: number; quota: number }> {
    refuseNul('an account id', accountId);
    return { usage: await this.storage.countSecrets(namespace, accountId), quota: this.limits.maxSecretsPerAccount };
  }

  private checkValue(value: string | Uint8Array): Buffer {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    if (bytes.length > this.limits.maxValueBytes) {
      throw new SstoreError('quota', `secret value is ${bytes.length} bytes; the limit is ${this.limits.maxValueBytes}`, {
        reason: 'secret_value_too_large',
      });
    }
    return bytes;
  }

  // ---- tokens

  /**
   * Creates a token. A name already taken fails with `conflict`, unless `ifNameTaken` says to `replace` that token or
   * to `keep` it (then nothing is created and the result is undefined); either way in one transaction, so two
   * servers starting at once on one data dir agree.
   */
  async createToken(spec: TokenSpec & { ifNameTaken: 'keep' }): Promise<{ token: string; record: TokenRecord } | undefined>;
  async createToken(spec: TokenSpec): Promise<{ token: string; record: TokenRecord }>;
  async createToken(spec: TokenSpec): Promise<{ token: string; record: TokenRecord } | undefined> {
    refuseNul('a token name, account or service', spec.name, spec.account, spec.service);
    const token = spec.token ?? `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      id: newId(),
      name: spec.name,
      permissions: [...new Set(spec.permissions)],
      account: spec.account ?? null,
      service: spec.service ?? null,
      created: nowMicros(),
    };
    const inserted = await this.storage.insertToken(record, hashToken(token), spec.ifNameTaken ?? 'fail');
    return inserted ? { token, record } : undefined;
  }

  authenticate(token: string): Awaitable<TokenRecord | undefined> {
    const hash = hashToken(token);
    // The lookup is by hash, so its timing says nothing about the token; the comparison is constant-time anyway.
    return andThen(this.storage.findTokenByHash(hash), (found) => {
      if (!found) return undefined;
      const presented = Buffer.from(hash, 'hex');
      if (found.hash.length !== presented.length || !timingSafeEqual(found.hash, presented)) return undefined;
      return found.token;
    });
  }

  listTokens(): Promise<TokenRecord[]> {
    return this.storage.listTokens();
  }

  async revokeToken(idOrName: string): Promise<boolean> {
    if (hasNul(idOrName)) return false;
    return this.storage.deleteToken(idOrName);
  }

  close(): Promise<void> {
    return this.storage.close();
  }
}

/** The cursor id of a query's window, if it has one. */
function cursorOf(query: StoreQuery | SecretQuery): string | undefined {
  return query.window.kind === 'after' || query.window.kind === 'before' ? query.window.cursorId : undefined;
}
