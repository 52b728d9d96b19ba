import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SstoreError } from '../errors.ts';
import { andThen, type Awaitable } from './awaitable.ts';
import type { Actor } from './actor.ts';
import { type AuditDraft, type AuditEntry, type AuditFilter, draft } from './audit/entry.ts';
import { nowMicros } from './clock.ts';
import { type Cipher, secretAad, sealedVersion } from './crypto.ts';
import { newId } from './ids.ts';
import { cursorOf, hasNul, refuseNul } from './nul.ts';
import type { SecretPatch, SecretVersion, Storage } from './storage/storage.ts';
import { hashToken, TOKEN_PREFIX, type TokenSpec } from './tokens.ts';
import type {
  Limits,
  Namespace,
  Page,
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

/** What an update's audit entry says beyond who, when and where. */
type UpdateAudit = { action: 'secret.update' | 'secret.rollback'; name: string; fields: string[]; detail?: AuditDraft['detail'] };

/** The name of the one store that stands for an SGP account or a Neostore tenant. */
export const IMPLICIT_STORE_NAME = 'default';

/**
 * The secrets engine: stores, secrets, quota and tokens on top of a Storage, with values sealed by a Cipher.
 * Dialects validate wire input and decide authorization; the engine enforces the limits and never returns a value
 * except through `revealSecret`. Every method that changes something or reveals a value takes the Actor doing it, and
 * hands the storage the audit entries to append with the change (see audit/entry.ts).
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

  async createStore(namespace: Namespace, accountId: string, name: string, managedBy: string | null, actor: Actor): Promise<StoreRecord> {
    refuseNul('an account id, a store name or a service', accountId, name, managedBy);
    const now = nowMicros();
    const store: StoreRecord = { id: newId(), namespace, accountId, name, managedBy, created: now, modified: now };
    const entry = draft(actor, 'store.create', now, { namespace, storeId: store.id, name });
    await this.storage.insertStore(store, this.limits.maxStoresPerAccount, entry);
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

  async deleteStore(store: StoreRecord, force: boolean, actor: Actor): Promise<void> {
    const entry = draft(actor, 'store.delete', nowMicros(), { namespace: store.namespace, storeId: store.id, name: store.name });
    await this.storage.deleteStore(store.id, force, entry);
  }

  /** SGP accounts and Neostore tenants have no stores: each is one implicit store, made on first use. */
  async implicitStore(namespace: Namespace, accountId: string, actor: Actor): Promise<StoreRecord> {
    const found = await this.findImplicitStore(namespace, accountId);
    if (found) return found;
    try {
      return await this.createStore(namespace, accountId, IMPLICIT_STORE_NAME, null, actor);
    } catch (error) {
      // Another request made it first.
      if (error instanceof SstoreError && error.kind === 'conflict') return this.implicitStore(namespace, accountId, actor);
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
  createSecrets(store: StoreRecord, inputs: NewSecret[], actor: Actor): Promise<SecretRecord[]> {
    return this.insertSecrets(store, inputs, actor, 'secret.create');
  }

  private async insertSecrets(
    store: StoreRecord,
    inputs: NewSecret[],
    actor: Actor,
    action: 'secret.create' | 'secret.duplicate',
    detail: AuditDraft['detail'] = null,
  ): Promise<SecretRecord[]> {
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
        createdBy: actor.name,
        updatedBy: actor.name,
      };
      return { record, sealed: this.cipher.seal(bytes, secretAad(store.id, record.id, record.name)) };
    });
    const entries = rows.map(({ record }) =>
      draft(actor, action, record.created, { namespace: store.namespace, storeId: store.id, secretId: record.id, name: record.name, detail }),
    );
    await this.storage.insertSecrets(rows, store, this.limits.maxSecretsPerAccount, entries);
    return rows.map((row) => row.record);
  }

  async patchSecret(store: StoreRecord, secretId: string, changes: SecretChanges, actor: Actor): Promise<SecretRecord> {
    // Nothing to change is not a change: the secret comes back as it is, `modified` untouched.
    if (Object.values(changes).every((change) => change === undefined)) return this.getSecret(store, secretId);
    if (hasNul(secretId)) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
    refuseNul('a comment or a scope', changes.comment, ...(changes.scopes ?? []));
    const { name } = await this.getSecret(store, secretId);
    const sealed = changes.value === undefined ? undefined : this.cipher.seal(this.checkValue(changes.value), secretAad(store.id, secretId, name));
    const fields = Object.entries(changes).flatMap(([field, change]) => (change === undefined ? [] : [field]));
    const patch = {
      ...(changes.comment !== undefined && { comment: changes.comment }),
      ...(changes.scopes !== undefined && { scopes: changes.scopes }),
      ...(sealed !== undefined && { sealed }),
      ...(changes.notBefore !== undefined && { notBefore: changes.notBefore }),
      ...(changes.expiresOn !== undefined && { expiresOn: changes.expiresOn }),
    };
    return this.updateSecret(store, secretId, actor, patch, { action: 'secret.update', name, fields });
  }

  /** Makes a kept version's value the current one, as a new version (the sealed bytes as they are: same AAD). */
  async rollbackSecret(store: StoreRecord, secretId: string, version: number, actor: Actor): Promise<SecretRecord> {
    const { name } = await this.getSecret(store, secretId);
    const sealed = await this.sealedVersion(store, secretId, version);
    return this.updateSecret(store, secretId, actor, { sealed }, { action: 'secret.rollback', name, fields: ['value'], detail: { version } });
  }

  private updateSecret(store: StoreRecord, secretId: string, actor: Actor, patch: Omit<SecretPatch, 'modified' | 'updatedBy'>, audit: UpdateAudit): Promise<SecretRecord> {
    const modified = nowMicros();
    const entry = draft(actor, audit.action, modified, { namespace: store.namespace, storeId: store.id, secretId, ...audit });
    return this.storage.updateSecret(store.id, secretId, { ...patch, modified, updatedBy: actor.name }, entry, this.limits.keepVersions);
  }

  /** A secret's value history, newest first (no values); `not_found` when the secret does not exist. */
  async listVersions(store: StoreRecord, secretId: string): Promise<SecretVersion[]> {
    await this.getSecret(store, secretId);
    return this.storage.listVersions(store.id, secretId);
  }

  /** Creates the named secret or replaces its value and window: Neostore's PUT. */
  async putSecretByName(store: StoreRecord, input: NewSecret, actor: Actor): Promise<{ record: SecretRecord; created: boolean }> {
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

  async deleteSecrets(store: StoreRecord, secretIds: string[], actor: Actor): Promise<void> {
    const unknown = secretIds.filter((id) => hasNul(id));
    if (unknown.length > 0) {
      throw new SstoreError('not_found', `secret${unknown.length === 1 ? '' : 's'} not found: ${unknown.map((id) => JSON.stringify(id)).join(', ')}`, {
        reason: 'secret_not_found',
      });
    }
    const time = nowMicros();
    const entries = await Promise.all(
      secretIds.map(async (secretId) => {
        // A missing id keeps a null name: the storage refuses the whole request, naming the missing ids.
        const found = await this.storage.getSecret(store.id, secretId);
        return draft(actor, 'secret.delete', time, { namespace: store.namespace, storeId: store.id, secretId, name: found?.name ?? null });
      }),
    );
    await this.storage.deleteSecrets(store.id, secretIds, entries);
  }

  /** A new secret with a new id and the same value, re-sealed for its own id (recorded as one secret.duplicate). */
  async duplicateSecret(store: StoreRecord, secretId: string, target: Pick<NewSecret, 'name' | 'scopes' | 'comment'>, actor: Actor): Promise<SecretRecord> {
    const { name } = await this.getSecret(store, secretId);
    const value = this.openSealed(store, secretId, name, await this.sealedVersion(store, secretId));
    const [copy] = await this.insertSecrets(store, [{ ...target, value }], actor, 'secret.duplicate', { source: secretId });
    return copy!;
  }

  /**
   * A secret's value (a kept earlier `version` if given). The reveal is recorded before the value is returned: when
   * the entry cannot be written, the reveal fails.
   */
  async revealSecret(store: StoreRecord, secretId: string, actor: Actor, version?: number): Promise<Buffer> {
    const { name } = await this.getSecret(store, secretId);
    const value = this.openSealed(store, secretId, name, await this.sealedVersion(store, secretId, version));
    const detail = version === undefined ? null : { version };
    await this.storage.appendAudit([draft(actor, 'secret.reveal', nowMicros(), { namespace: store.namespace, storeId: store.id, secretId, name, detail })]);
    return value;
  }

  /** Several current values at once (`sstore run`, `export`): every reveal recorded in one append, before any is returned. */
  async revealSecrets(store: StoreRecord, secretIds: string[], actor: Actor): Promise<{ secret: SecretRecord; value: Buffer }[]> {
    const revealed = [];
    for (const secretId of secretIds) {
      const secret = await this.getSecret(store, secretId);
      revealed.push({ secret, value: this.openSealed(store, secretId, secret.name, await this.sealedVersion(store, secretId)) });
    }
    const time = nowMicros();
    const about = (secret: SecretRecord) => ({ namespace: store.namespace, storeId: store.id, secretId: secret.id, name: secret.name });
    await this.storage.appendAudit(revealed.map(({ secret }) => draft(actor, 'secret.reveal', time, about(secret))));
    return revealed;
  }

  /** The current sealed value, or a kept version's; `not_found` (secret_not_found, version_not_found) otherwise. */
  private async sealedVersion(store: StoreRecord, secretId: string, version?: number): Promise<Uint8Array> {
    const sealed =
      version === undefined ? await this.storage.getSealedValue(store.id, secretId) : await this.storage.getSealedVersion(store.id, secretId, version);
    if (sealed) return sealed;
    if (version === undefined) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
    throw new SstoreError('not_found', `version ${version} of this secret is not kept`, {
      reason: 'version_not_found',
      hint: 'list the kept versions with `sstore secrets history`',
    });
  }

  private openSealed(store: StoreRecord, secretId: string, name: string, sealed: Uint8Array): Buffer {
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
  async createToken(spec: TokenSpec & { ifNameTaken: 'keep' }, actor: Actor): Promise<{ token: string; record: TokenRecord } | undefined>;
  async createToken(spec: TokenSpec, actor: Actor): Promise<{ token: string; record: TokenRecord }>;
  async createToken(spec: TokenSpec, actor: Actor): Promise<{ token: string; record: TokenRecord } | undefined> {
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
    const entry = draft(actor, 'token.create', record.created, {
      name: record.name,
      detail: { id: record.id, permissions: record.permissions.join(',') },
    });
    const inserted = await this.storage.insertToken(record, hashToken(token), spec.ifNameTaken ?? 'fail', entry);
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

  /** Revokes a token by id or name; returns whether one existed (only then is it recorded). */
  async revokeToken(idOrName: string, actor: Actor): Promise<boolean> {
    if (hasNul(idOrName)) return false;
    return this.storage.deleteToken(idOrName, draft(actor, 'token.revoke', nowMicros(), {}));
  }

  // ---- the audit trail

  listAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.storage.listAudit(filter);
  }

  /** Deletes the entries older than `before` (µs), recording that as an audit.prune entry, which it returns. */
  pruneAudit(before: number, actor: Actor): Promise<AuditEntry> {
    return this.storage.pruneAudit(before, draft(actor, 'audit.prune', nowMicros(), {}));
  }

  close(): Promise<void> {
    return this.storage.close();
  }
}
