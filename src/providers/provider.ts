/**
 * A provider is one secrets API, seen in domain terms. Every command talks to a Provider; only the provider knows
 * paths, envelopes and pagination. What a provider cannot do is refused before any request by `requireSupport`
 * (`support.ts`), from its capabilities: the commands call it first, the providers again on what they are given.
 */
import type { ProviderName } from '../provider-names.ts';
import type { ProviderDescriptor } from './descriptor.ts';

export type { ProviderName };

/** What the provider can do, so commands can refuse early and explain, instead of failing on the wire. */
export interface Capabilities {
  /** Values can be read back (the embedded store, a local server token with `reveal`, Neostore). Cloudflare: never. */
  canReveal: boolean;
  /** Several named stores per account (Cloudflare). Otherwise the account or tenant is one implicit store. */
  nativeStores: boolean;
  /** `quota` reports a limit and usage (Cloudflare); SGP and Neostore report usage only or nothing. */
  quota: boolean;
  /** Secrets carry scopes (Cloudflare's workers, ai_gateway, …). */
  scopes: boolean;
  /** Secrets carry a comment (Cloudflare's comment, SGP's description). Neostore: no. */
  comments: boolean;
  /** Secrets carry a validity window (`--not-before`, `--expires-on`): Neostore only. */
  validityWindow: boolean;
  /** `secrets dup`: native (Cloudflare) or emulated (Neostore: GET then PUT). SGP cannot read a value to copy it. */
  duplicate: boolean;
  /** `secrets dup --force` replaces an existing destination (Neostore, whose PUT is an upsert). */
  overwrite: boolean;
  /** What `secrets list --order` may sort by. */
  orders: readonly SecretOrder[];
  /** The most secrets one create request may carry (the array endpoint). */
  maxBatch: number;
  /**
   * The audit trail and secret history (`sstore audit`, `secrets history|rollback`, `secrets get --version`): local
   * extension routes of an sstore server, so the embedded store and a local server only. Cloudflare itself: never.
   */
  auditAndHistory: boolean;
}

/** A JSON object exactly as the API returned it: `--json` prints this, never a re-shaped copy. */
export type Raw = Record<string, unknown>;

export interface Store {
  id: string;
  name: string;
  created: string | undefined;
  modified: string | undefined;
  raw: Raw;
}

export interface Secret {
  id: string;
  name: string;
  storeId: string;
  comment: string;
  scopes: string[];
  status: string | undefined;
  created: string | undefined;
  modified: string | undefined;
  raw: Raw;
}

export interface RevealedSecret {
  id: string;
  name: string;
  /** The value as UTF-8 text (every provider's API carries values as JSON strings). */
  value: string;
}

export interface Quota {
  usage: number;
  /** undefined where the provider reports usage only. */
  quota: number | undefined;
  raw: Raw;
}

export type SecretOrder = 'name' | 'comment' | 'created' | 'modified' | 'status';
export type Direction = 'asc' | 'desc';

export interface SecretQuery {
  /** Substring over name and comment (provider semantics). */
  search?: string;
  order?: SecretOrder;
  direction?: Direction;
  /** Secrets having every one of these scopes. */
  scopes?: string[];
}

/** When a secret may be read (Neostore): ISO 8601 instants in UTC; an absent end is open. */
export interface ValidityWindow {
  notBefore?: string;
  expiresOn?: string;
}

export interface NewSecret {
  name: string;
  value: string;
  scopes: string[];
  comment?: string;
  /** Only where `capabilities.validityWindow`. */
  window?: ValidityWindow;
}

export interface SecretPatch {
  value?: string;
  scopes?: string[];
  comment?: string;
  /**
   * Only where `capabilities.validityWindow`. Neostore replaces a secret whole: a patch with a value and no window
   * makes it permanent; a window without a value reads the value first (only while the secret is valid).
   */
  window?: ValidityWindow;
}

export interface SecretCopy {
  name: string;
  scopes: string[];
  comment?: string;
  /** Replace an existing secret of that name (Neostore, whose PUT is an upsert). Elsewhere `unsupported`. */
  overwrite?: boolean;
}

/** What `sstore audit` asks for; every given condition must hold. */
export interface AuditQuery {
  /** Entries at or after this instant (ISO 8601). */
  since?: string;
  actor?: string;
  action?: string;
  /** A store's id, or its name (any store of that name the trail records, deleted ones too). */
  store?: string;
  /** Secret actions on a secret of this name. */
  secret?: string;
  /** Entries after this id (paging, `--follow`). */
  after?: number;
  limit?: number;
}

/** One audit entry as the extension route sends it (snake_case, times ISO with microseconds); never a value. */
export interface AuditRecord {
  id: number;
  time: string;
  actor: string;
  os_user: string | null;
  action: string;
  namespace: string | null;
  store_id: string | null;
  secret_id: string | null;
  name: string | null;
  fields: string[] | null;
  detail: Record<string, string | number> | null;
  prev_hash: string;
  hash: string;
}

/** One value of a secret's history (never the value): 1 is the first, the highest is the current one. */
export interface SecretVersionInfo {
  version: number;
  created: string;
  actor: string | null;
  current: boolean;
}

export interface Provider {
  readonly name: ProviderName;
  readonly descriptor: ProviderDescriptor;
  readonly capabilities: Capabilities;

  /** Throws `validation` for a name the API would refuse, before any request or prompt. */
  checkName(what: 'secret' | 'store', name: string): void;

  /** One cheap authenticated call; throws `auth`/`permission` when the credentials do not work. */
  verifyCredentials(): Promise<void>;

  listStores(): Promise<Store[]>;
  createStore(name: string): Promise<Store>;
  /** `force` deletes a store that still holds secrets; without it that is a `conflict`. */
  deleteStore(id: string, options: { force: boolean }): Promise<void>;

  /** Every secret matching the query, all pages, lazily. */
  listSecrets(storeId: string, query?: SecretQuery): AsyncIterable<Secret>;
  getSecret(storeId: string, id: string): Promise<Secret>;
  /**
   * Creates in batches of `capabilities.maxBatch` (one request each); returns the created secrets in input order.
   * A name that exists is a `conflict` (Neostore checks its key list first, since its PUT would overwrite).
   */
  createSecrets(storeId: string, secrets: NewSecret[]): Promise<Secret[]>;
  patchSecret(storeId: string, id: string, patch: SecretPatch): Promise<Secret>;
  duplicateSecret(storeId: string, id: string, copy: SecretCopy): Promise<Secret>;
  /** One bulk request where the API has one; else one request each, reporting every failure in one error. */
  deleteSecrets(storeId: string, ids: string[]): Promise<void>;
  /** Values of the given secrets. Unless `capabilities.canReveal`, throws `unsupported` before any request, even for no ids. */
  revealSecrets(storeId: string, ids: string[]): Promise<RevealedSecret[]>;

  quota(): Promise<Quota>;

  /** One page of the audit trail, oldest first. Unless `capabilities.auditAndHistory`, throws `unsupported`. */
  listAudit(query: AuditQuery): Promise<AuditRecord[]>;
  /** A secret's versions, newest first. The history methods throw `unsupported` unless `capabilities.auditAndHistory`. */
  listVersions(storeId: string, id: string): Promise<SecretVersionInfo[]>;
  /** An earlier (or the current) value, by version number; needs what revealing needs. */
  revealVersion(storeId: string, id: string, version: number): Promise<RevealedSecret>;
  /** Makes version N's value current, as a new version. */
  rollbackSecret(storeId: string, id: string, version: number): Promise<Secret>;

  /** Releases the transport (the embedded store's database). Safe to call twice. */
  close(): Promise<void>;
}
