import { SstoreError } from '../errors.ts';
import type { HttpClient, Query } from '../http/client.ts';
import { paginate, type Page } from '../http/pagination.ts';
import { unsupported, type Capabilities, type NewSecret, type Provider, type Quota, type Raw, type RevealedSecret, type Secret, type SecretPatch, type SecretQuery, type Store } from './provider.ts';
import { optionalString, rawObject } from './raw.ts';

/** UNCONFIRMED: Cloudflare documents no batch limit for the array endpoint; 100 keeps a body well under any limit. */
const BATCH = 100;
/** What the API (and wrangler) accept as a secret or store name. */
const NAME = /^[A-Za-z0-9_-]+$/;

export interface CloudflareOptions {
  http: HttpClient;
  accountId: string;
  /** The embedded store and a local server have the `/value` extension; api.cloudflare.com never reveals. */
  canReveal: boolean;
  close?: () => Promise<void>;
}

interface Envelope {
  result: unknown;
  result_info?: { per_page?: number; total_pages?: number };
}

function envelope(body: unknown): Envelope {
  if (typeof body !== 'object' || body === null || !('result' in body)) {
    throw new SstoreError('internal', 'the API answered without a result (is the profile URL a Cloudflare v4 API?)', { reason: 'bad_response' });
  }
  return body as Envelope;
}

const object = (value: unknown): Raw => rawObject(value, 'result');

function list(value: unknown): Raw[] {
  if (!Array.isArray(value)) throw new SstoreError('internal', 'the API answered with an unexpected result (a list was expected)', { reason: 'bad_response' });
  return value.map(object);
}

export function storeOf(raw: Raw): Store {
  return { id: String(raw.id), name: String(raw.name), created: optionalString(raw.created), modified: optionalString(raw.modified), raw };
}

export function secretOf(raw: Raw): Secret {
  return {
    id: String(raw.id),
    name: String(raw.name),
    storeId: String(raw.store_id ?? ''),
    comment: optionalString(raw.comment) ?? '',
    scopes: Array.isArray(raw.scopes) ? raw.scopes.map(String) : [],
    status: optionalString(raw.status),
    created: optionalString(raw.created),
    modified: optionalString(raw.modified),
    raw,
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Cloudflare Secrets Store v4 (api.cloudflare.com, a local `sstore server`, or the embedded store in-process). */
export function cloudflareProvider(options: CloudflareOptions): Provider {
  const { http } = options;
  const account = `/accounts/${encodeURIComponent(options.accountId)}/secrets_store`;
  const store = (id: string) => `${account}/stores/${encodeURIComponent(id)}`;
  const secret = (storeId: string, id: string) => `${store(storeId)}/secrets/${encodeURIComponent(id)}`;
  const capabilities: Capabilities = {
    canReveal: options.canReveal,
    nativeStores: true,
    quota: true,
    scopes: true,
    comments: true,
    validityWindow: false,
    duplicate: true,
    maxBatch: BATCH,
  };
  const noWindow = (what: { window?: unknown }) => {
    if (what.window !== undefined) throw unsupported('a validity window (--not-before, --expires-on)', 'cloudflare', 'only neostore secrets have one');
  };

  async function result(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, init: { query?: Query; body?: unknown } = {}) {
    return envelope((await http.request(method, path, init)).body);
  }

  function pageOf(env: Envelope): Page<Raw> {
    return {
      items: list(env.result ?? []),
      ...(typeof env.result_info?.per_page === 'number' && env.result_info.per_page > 0 && { perPage: env.result_info.per_page }),
      ...(typeof env.result_info?.total_pages === 'number' && { totalPages: env.result_info.total_pages }),
    };
  }

  return {
    name: 'cloudflare',
    capabilities,

    checkName(what, name) {
      if (!NAME.test(name) || name.length > 255) {
        throw new SstoreError('validation', `invalid ${what} name "${name}": use letters, digits, "_" and "-" (up to 255)`, { reason: `${what}_name_invalid` });
      }
    },

    async verifyCredentials() {
      await result('GET', `${account}/quota`);
    },

    async listStores() {
      const stores: Store[] = [];
      for await (const raw of paginate((page, perPage) => result('GET', `${account}/stores`, { query: { page, per_page: perPage, order: 'name', direction: 'asc' } }).then(pageOf))) {
        stores.push(storeOf(raw));
      }
      return stores;
    },

    async getStore(id) {
      return storeOf(object((await result('GET', store(id))).result));
    },

    async createStore(name) {
      return storeOf(object((await result('POST', `${account}/stores`, { body: { name } })).result));
    },

    async deleteStore(id, { force }) {
      await result('DELETE', store(id), force ? { query: { force: 'true' } } : {});
    },

    async *listSecrets(storeId, query: SecretQuery = {}) {
      const filter: Query = {
        search: query.search || undefined,
        order: query.order,
        direction: query.direction,
        scopes: query.scopes && query.scopes.length > 0 ? query.scopes : undefined,
      };
      const pages = paginate((page, perPage) => result('GET', `${store(storeId)}/secrets`, { query: { ...filter, page, per_page: perPage } }).then(pageOf));
      for await (const raw of pages) yield secretOf(raw);
    },

    async getSecret(storeId, id) {
      return secretOf(object((await result('GET', secret(storeId, id))).result));
    },

    async createSecrets(storeId, secrets: NewSecret[]) {
      secrets.forEach(noWindow);
      const created: Secret[] = [];
      for (const batch of chunks(secrets, BATCH)) {
        const body = batch.map((s) => ({ name: s.name, value: s.value, scopes: s.scopes, ...(s.comment !== undefined && { comment: s.comment }) }));
        created.push(...list((await result('POST', `${store(storeId)}/secrets`, { body })).result).map(secretOf));
      }
      return created;
    },

    async patchSecret(storeId, id, patch: SecretPatch) {
      noWindow(patch);
      return secretOf(object((await result('PATCH', secret(storeId, id), { body: patch })).result));
    },

    async duplicateSecret(storeId, id, { overwrite, ...copy }) {
      if (overwrite) throw unsupported('overwriting with dup (--force)', 'cloudflare', 'delete the destination first: a name exists once per store');
      return secretOf(object((await result('POST', `${secret(storeId, id)}/duplicate`, { body: copy })).result));
    },

    async deleteSecrets(storeId, ids) {
      for (const batch of chunks(ids, BATCH)) await result('DELETE', `${store(storeId)}/secrets`, { body: { ids: batch } });
    },

    async revealSecrets(storeId, ids): Promise<RevealedSecret[]> {
      if (!options.canReveal) {
        throw new SstoreError('unsupported', 'Cloudflare Secrets Store values are write-only: the API never returns them, so they cannot be revealed', {
          reason: 'write_only',
          hint: 'Workers read them through their binding; `sstore secrets get NAME` shows the metadata',
        });
      }
      // One request per 100 values through the local bulk extension (`…/secrets/values?ids=`), not one per value.
      const revealed: RevealedSecret[] = [];
      for (const batch of chunks(ids, BATCH)) {
        for (const raw of list((await result('GET', `${store(storeId)}/secrets/values`, { query: { ids: batch.join(',') } })).result)) {
          revealed.push({ id: String(raw.id), name: String(raw.name), value: String(raw.value) });
        }
      }
      return revealed;
    },

    async quota(): Promise<Quota> {
      const raw = object((await result('GET', `${account}/quota`)).result);
      const secrets = (raw.secrets ?? {}) as { quota?: unknown; usage?: unknown };
      return { usage: Number(secrets.usage ?? 0), quota: typeof secrets.quota === 'number' ? secrets.quota : undefined, raw };
    },

    async close() {
      await options.close?.();
    },
  };
}
