import { SstoreError } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { cursorPaginate, type CursorPage } from '../http/pagination.ts';
import { deleteEach } from './delete-each.ts';
import { getImplicitStore, implicitStore, storesUnsupported } from './implicit-store.ts';
import { unsupported, type Capabilities, type NewSecret, type Provider, type Quota, type Raw, type Secret, type SecretOrder, type SecretPatch } from './provider.ts';
import { optionalString, rawObject } from './raw.ts';

/** SGP's current key rule (lowercase, so that every cloud back end accepts it as a secret name). */
const KEY = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const MAX_KEY = 90;
const COLLECTION = '/v5/sgp/secrets';
const PAGE_SIZE = 100;

/** `--order` → SGP's `sort_by` (the response fields the API orders by). SGP has no status. */
const SORT_BY: Partial<Record<SecretOrder, string>> = { name: 'key', comment: 'description', created: 'created_at', modified: 'updated_at' };

export interface SgpOptions {
  http: HttpClient;
  /** Sent as `x-selected-account-id`; also the name of the one implicit store. */
  accountId: string;
  close?: () => Promise<void>;
}

const object = (value: unknown): Raw => rawObject(value, 'body (is the profile URL an SGP API root?)');

/** A CloudSecret in domain terms: the key is the name, the description the comment; values never come back. */
export function cloudSecretOf(raw: Raw): Secret {
  return {
    id: String(raw.id),
    name: String(raw.key),
    storeId: String(raw.account_id ?? ''),
    comment: optionalString(raw.description) ?? '',
    scopes: [],
    status: undefined,
    created: optionalString(raw.created_at),
    modified: optionalString(raw.updated_at),
    raw,
  };
}

function cursorPageOf(body: unknown): CursorPage<Raw> & { total: number | undefined } {
  const page = object(body);
  if (!Array.isArray(page.items)) throw new SstoreError('internal', 'the API answered without items (is the profile URL an SGP API root?)', { reason: 'bad_response' });
  return { items: page.items.map(object), hasMore: page.has_more === true, total: typeof page.total === 'number' ? page.total : undefined };
}

/** SGP (`/v5/sgp/secrets`): one flat, write-only namespace per account, secrets addressed by server id. */
export function sgpProvider(options: SgpOptions): Provider {
  const { http, accountId } = options;
  const item = (id: string) => `${COLLECTION}/${encodeURIComponent(id)}`;
  const store = implicitStore(accountId, 'account');
  const capabilities: Capabilities = {
    canReveal: false,
    nativeStores: false,
    quota: false,
    scopes: false,
    comments: true,
    validityWindow: false,
    duplicate: false,
    maxBatch: 1,
  };
  // Keys of the ids seen, so that a failed delete of several names the keys, not opaque ids.
  const keys = new Map<string, string>();
  const remember = (secret: Secret): Secret => {
    keys.set(secret.id, secret.name);
    return secret;
  };

  function refuseExtras(what: { scopes?: string[]; window?: unknown }): void {
    if (what.scopes && what.scopes.length > 0) throw unsupported('--scopes', 'sgp', 'sgp secrets have no scopes');
    if (what.window !== undefined) throw unsupported('a validity window (--not-before, --expires-on)', 'sgp', 'only neostore secrets have one');
  }

  async function total(): Promise<number> {
    const page = cursorPageOf((await http.request('GET', COLLECTION, { query: { limit: 1 } })).body);
    if (page.total === undefined) throw new SstoreError('internal', 'the API answered a list without its total', { reason: 'bad_response' });
    return page.total;
  }

  return {
    name: 'sgp',
    capabilities,

    checkName(what, name) {
      if (what === 'store') return;
      if (name.length > MAX_KEY || !KEY.test(name)) {
        const suggestion = name.toLowerCase().replaceAll('_', '-');
        throw new SstoreError('validation', `invalid SGP key "${name}": use lowercase letters, digits and "-", starting and ending with a letter or digit (1–${MAX_KEY})`, {
          reason: 'secret_name_invalid',
          ...(suggestion !== name && suggestion.length <= MAX_KEY && KEY.test(suggestion) && { hint: `for example: ${suggestion}` }),
        });
      }
    },

    async verifyCredentials() {
      await total();
    },

    async listStores() {
      return [store];
    },

    async getStore(id) {
      return getImplicitStore(store, id, 'sgp');
    },

    async createStore() {
      throw storesUnsupported('stores create', 'sgp', 'account');
    },

    async deleteStore() {
      throw storesUnsupported('stores delete', 'sgp', 'account');
    },

    async *listSecrets(_storeId, query = {}) {
      if (query.scopes && query.scopes.length > 0) throw unsupported('--scopes', 'sgp', 'sgp secrets have no scopes');
      const sortBy = SORT_BY[query.order ?? 'name'];
      if (!sortBy) throw unsupported(`ordering by ${query.order}`, 'sgp', 'order by name, comment, created or modified');
      // SGP has no search parameter: filter here, over key and description, ignoring case.
      const needle = query.search ? query.search.toLowerCase() : undefined;
      const pages = cursorPaginate(
        async (startingAfter) =>
          cursorPageOf(
            (
              await http.request('GET', COLLECTION, {
                query: { limit: PAGE_SIZE, sort_by: sortBy, sort_order: query.direction ?? 'asc', starting_after: startingAfter },
              })
            ).body,
          ),
        (raw) => String(raw.id),
      );
      for await (const raw of pages) {
        const secret = remember(cloudSecretOf(raw));
        if (needle === undefined || secret.name.toLowerCase().includes(needle) || secret.comment.toLowerCase().includes(needle)) yield secret;
      }
    },

    async getSecret(_storeId, id) {
      return remember(cloudSecretOf(object((await http.request('GET', item(id))).body)));
    },

    async createSecrets(_storeId, secrets: NewSecret[]) {
      for (const s of secrets) refuseExtras(s);
      const created: Secret[] = [];
      // One POST each: SGP has no batch create, so an error part-way leaves the earlier ones created.
      for (const s of secrets) {
        const body = { key: s.name, value: s.value, ...(s.comment !== undefined && s.comment !== '' && { description: s.comment }) };
        created.push(remember(cloudSecretOf(object((await http.request('POST', COLLECTION, { body })).body))));
      }
      return created;
    },

    async patchSecret(_storeId, id, patch: SecretPatch) {
      refuseExtras(patch);
      const body = { ...(patch.value !== undefined && { value: patch.value }), ...(patch.comment !== undefined && { description: patch.comment }) };
      return remember(cloudSecretOf(object((await http.request('PATCH', item(id), { body })).body)));
    },

    async duplicateSecret() {
      throw unsupported('secrets dup', 'sgp', 'values are write-only and there is no copy: put the value again under the new key');
    },

    async deleteSecrets(_storeId, ids) {
      await deleteEach(ids, async (id) => void (await http.request('DELETE', item(id))), (id) => keys.get(id) ?? id);
    },

    async revealSecrets() {
      throw new SstoreError('unsupported', 'SGP secret values are write-only: the API never returns them, so they cannot be revealed', {
        reason: 'write_only',
        hint: '`sstore secrets get KEY` shows the metadata',
      });
    },

    async quota(): Promise<Quota> {
      // No quota endpoint: the list's total is the usage; the limit is unknown, never guessed.
      const usage = await total();
      return { usage, quota: undefined, raw: { secrets: { usage, quota: null } } };
    },

    async close() {
      await options.close?.();
    },
  };
}
