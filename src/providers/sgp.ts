import * as v from 'valibot';
import { SstoreError } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { cursorPaginate, type CursorPage } from '../http/pagination.ts';
import { deleteEach } from './delete-each.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { implicitStore } from './implicit-store.ts';
import { invalidName } from './name-problem.ts';
import type { Capabilities, NewSecret, Provider, Quota, Secret, SecretOrder, SecretPatch } from './provider.ts';
import { maybeString, parseResponse } from './raw.ts';
import { sgpError } from './sgp-errors.ts';
import { refusal, requireSupport, withoutExtensions } from './support.ts';

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

const WHERE = 'body (is the profile URL an SGP API root?)';

const CloudSecret = v.looseObject({
  id: v.string(),
  key: v.string(),
  account_id: maybeString,
  description: maybeString,
  created_at: maybeString,
  updated_at: maybeString,
});

const ListPage = v.looseObject({ items: v.array(v.unknown()), has_more: v.nullish(v.boolean()), total: v.nullish(v.number()) });

/** A CloudSecret in domain terms: the key is the name, the description the comment; values never come back. */
export function cloudSecretOf(value: unknown): Secret {
  const { data, raw } = parseResponse(CloudSecret, value, WHERE);
  return {
    id: data.id,
    name: data.key,
    storeId: data.account_id ?? '',
    comment: data.description ?? '',
    scopes: [],
    status: undefined,
    created: data.created_at ?? undefined,
    modified: data.updated_at ?? undefined,
    raw,
  };
}

function cursorPageOf(body: unknown): CursorPage<Secret> & { total: number | undefined } {
  const { data } = parseResponse(ListPage, body, WHERE);
  return { items: data.items.map(cloudSecretOf), hasMore: data.has_more === true, total: data.total ?? undefined };
}

const CAPABILITIES: Capabilities = {
  canReveal: false,
  nativeStores: false,
  quota: false,
  scopes: false,
  comments: true,
  validityWindow: false,
  duplicate: false,
  overwrite: false,
  orders: ['name', 'comment', 'created', 'modified'],
  maxBatch: 1,
  auditAndHistory: false,
};

/** SGP (`/v5/sgp/secrets`): one flat, write-only namespace per account, secrets addressed by server id. */
export function sgpProvider(options: SgpOptions): Provider {
  const { http, accountId } = options;
  const item = (id: string) => `${COLLECTION}/${encodeURIComponent(id)}`;
  const store = implicitStore(accountId, 'account');
  const self = { descriptor: SGP, capabilities: CAPABILITIES };
  // Keys of the ids seen, so that a failed delete of several names the keys, not opaque ids.
  const keys = new Map<string, string>();
  const remember = (secret: Secret): Secret => {
    keys.set(secret.id, secret.name);
    return secret;
  };

  const refuseExtras = (what: { scopes?: string[]; window?: unknown }) =>
    requireSupport(self, { scopes: what.scopes !== undefined && what.scopes.length > 0, window: what.window !== undefined });

  async function total(): Promise<number> {
    const page = cursorPageOf((await http.request('GET', COLLECTION, { query: { limit: 1 } })).body);
    if (page.total === undefined) throw new SstoreError('internal', 'the API answered a list without its total', { reason: 'bad_response' });
    return page.total;
  }

  return {
    name: 'sgp',
    ...self,

    checkName(what, name) {
      if (what === 'store') return;
      if (name.length > MAX_KEY || !KEY.test(name)) {
        const suggestion = name.toLowerCase().replaceAll('_', '-');
        throw invalidName(name, {
          noun: 'SGP key',
          char: /[a-z0-9-]/,
          max: MAX_KEY,
          words: `use lowercase letters, digits and "-", starting and ending with a letter or digit (1–${MAX_KEY})`,
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

    async createStore() {
      throw refusal(self, { stores: 'stores create' });
    },

    async deleteStore() {
      throw refusal(self, { stores: 'stores delete' });
    },

    async *listSecrets(_storeId, query = {}) {
      requireSupport(self, { scopes: query.scopes !== undefined && query.scopes.length > 0, order: query.order ?? 'name' });
      const sortBy = SORT_BY[query.order ?? 'name'] ?? 'key';
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
        (secret) => secret.id,
      );
      for await (const listed of pages) {
        const secret = remember(listed);
        if (needle === undefined || secret.name.toLowerCase().includes(needle) || secret.comment.toLowerCase().includes(needle)) yield secret;
      }
    },

    async getSecret(_storeId, id) {
      return remember(cloudSecretOf((await http.request('GET', item(id))).body));
    },

    async createSecrets(_storeId, secrets: NewSecret[]) {
      for (const s of secrets) refuseExtras(s);
      const created: Secret[] = [];
      // One POST each: SGP has no batch create, so an error part-way leaves the earlier ones created.
      for (const s of secrets) {
        const body = { key: s.name, value: s.value, ...(s.comment !== undefined && s.comment !== '' && { description: s.comment }) };
        created.push(remember(cloudSecretOf((await http.request('POST', COLLECTION, { body })).body)));
      }
      return created;
    },

    async patchSecret(_storeId, id, patch: SecretPatch) {
      refuseExtras(patch);
      const body = { ...(patch.value !== undefined && { value: patch.value }), ...(patch.comment !== undefined && { description: patch.comment }) };
      return remember(cloudSecretOf((await http.request('PATCH', item(id), { body })).body));
    },

    async duplicateSecret() {
      throw refusal(self, { duplicate: true });
    },

    async deleteSecrets(_storeId, ids) {
      await deleteEach(ids, async (id) => void (await http.request('DELETE', item(id))), (id) => keys.get(id) ?? id);
    },

    async revealSecrets() {
      throw refusal(self, { reveal: 'secrets get --reveal' });
    },

    async quota(): Promise<Quota> {
      // No quota endpoint: the list's total is the usage; the limit is unknown, never guessed.
      const usage = await total();
      return { usage, quota: undefined, raw: { secrets: { usage, quota: null } } };
    },

    ...withoutExtensions(self),

    async close() {
      await options.close?.();
    },
  };
}

export const SGP: ProviderDescriptor = {
  name: 'sgp',
  title: 'SGP',
  accountNoun: 'account',
  env: { account: 'SGP_ACCOUNT_ID', token: 'SGP_API_KEY' },
  defaultUrl: 'https://api.egp.scale.com',
  root: '',
  pastedPath: { pattern: /\/(v5|client\/v4)(\/|$)/, adds: COLLECTION },
  maxAccountLength: 128,
  valuesNoun: 'SGP secret values',
  headers: (token, account) => ({ ...(token && { 'x-api-key': token }), 'x-selected-account-id': account }),
  errorFor: sgpError,
  capabilities: CAPABILITIES,
  connect: ({ http, account, close }) => sgpProvider({ http, accountId: account, ...(close && { close }) }),
};
