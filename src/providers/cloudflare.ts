import * as v from 'valibot';
import { SstoreError } from '../errors.ts';
import type { HttpClient, Query } from '../http/client.ts';
import { paginate, type Page } from '../http/pagination.ts';
import { chunks } from './chunks.ts';
import { cloudflareError } from './cloudflare-errors.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { invalidName } from './name-problem.ts';
import type {
  AuditQuery,
  AuditRecord,
  Capabilities,
  NewSecret,
  Provider,
  Quota,
  RevealedSecret,
  Secret,
  SecretPatch,
  SecretQuery,
  SecretVersionInfo,
  Store,
} from './provider.ts';
import { maybeString, parseResponse } from './raw.ts';
import { EXTENSION_COMMANDS, requireSupport } from './support.ts';

/** UNCONFIRMED: Cloudflare documents no batch limit for the array endpoint; 100 keeps a body well under any limit. */
const BATCH = 100;
/** What the API (and wrangler) accept as a secret or store name. */
const NAME = /^[A-Za-z0-9_-]+$/;
const DEFAULT_URL = 'https://api.cloudflare.com/client/v4';

export interface CloudflareOptions {
  http: HttpClient;
  accountId: string;
  /**
   * The embedded store and a local server have the local extensions (`/value`, the audit trail, history);
   * api.cloudflare.com has none of them.
   */
  local: boolean;
  close?: () => Promise<void>;
}

const Envelope = v.looseObject({
  result: v.unknown(),
  result_info: v.nullish(v.looseObject({ per_page: v.nullish(v.number()), total_pages: v.nullish(v.number()) })),
});

const StoreSchema = v.looseObject({ id: v.string(), name: v.string(), created: maybeString, modified: maybeString });

const SecretSchema = v.looseObject({
  id: v.string(),
  name: v.string(),
  store_id: maybeString,
  comment: maybeString,
  scopes: v.nullish(v.array(v.string())),
  status: maybeString,
  created: maybeString,
  modified: maybeString,
});

const RevealedSchema = v.looseObject({ id: v.string(), name: v.string(), value: v.string() });

const AuditSchema = v.object({
  id: v.number(),
  time: v.string(),
  actor: v.string(),
  os_user: v.nullable(v.string()),
  action: v.string(),
  namespace: v.nullable(v.string()),
  store_id: v.nullable(v.string()),
  secret_id: v.nullable(v.string()),
  name: v.nullable(v.string()),
  fields: v.nullable(v.array(v.string())),
  detail: v.nullable(v.record(v.string(), v.union([v.string(), v.number()]))),
  prev_hash: v.string(),
  hash: v.string(),
});

const VersionSchema = v.object({ version: v.number(), created: v.string(), actor: v.nullable(v.string()), current: v.boolean() });

const QuotaSchema = v.looseObject({
  secrets: v.nullish(v.looseObject({ quota: v.nullish(v.number()), usage: v.nullish(v.number()) })),
});

function envelope(body: unknown): v.InferOutput<typeof Envelope> {
  const result = v.safeParse(Envelope, body);
  if (!result.success) {
    throw new SstoreError('internal', 'the API answered without a result (is the profile URL a Cloudflare v4 API?)', { reason: 'bad_response' });
  }
  return result.output;
}

function list(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new SstoreError('internal', 'the API answered with an unexpected result (a list was expected)', { reason: 'bad_response' });
  return value;
}

function storeOf(value: unknown): Store {
  const { data, raw } = parseResponse(StoreSchema, value, 'store');
  return { id: data.id, name: data.name, created: data.created ?? undefined, modified: data.modified ?? undefined, raw };
}

function secretOf(value: unknown): Secret {
  const { data, raw } = parseResponse(SecretSchema, value, 'secret');
  return {
    id: data.id,
    name: data.name,
    storeId: data.store_id ?? '',
    comment: data.comment ?? '',
    scopes: data.scopes ?? [],
    status: data.status ?? undefined,
    created: data.created ?? undefined,
    modified: data.modified ?? undefined,
    raw,
  };
}

const CAPABILITIES: Capabilities = {
  canReveal: true,
  nativeStores: true,
  quota: true,
  scopes: true,
  comments: true,
  validityWindow: false,
  duplicate: true,
  overwrite: false,
  orders: ['name', 'comment', 'created', 'modified', 'status'],
  maxBatch: BATCH,
  auditAndHistory: true,
};

/** Cloudflare Secrets Store v4 (api.cloudflare.com, a local `sstore server`, or the embedded store in-process). */
export function cloudflareProvider(options: CloudflareOptions): Provider {
  const { http } = options;
  const account = `/accounts/${encodeURIComponent(options.accountId)}/secrets_store`;
  const store = (id: string) => `${account}/stores/${encodeURIComponent(id)}`;
  const secret = (storeId: string, id: string) => `${store(storeId)}/secrets/${encodeURIComponent(id)}`;
  const self = { descriptor: CLOUDFLARE, capabilities: { ...CAPABILITIES, canReveal: options.local, auditAndHistory: options.local } };

  async function result(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, init: { query?: Query; body?: unknown } = {}) {
    return envelope((await http.request(method, path, init)).body);
  }

  function pageOf(env: v.InferOutput<typeof Envelope>): Page<unknown> {
    const info = env.result_info;
    return {
      items: list(env.result ?? []),
      ...(typeof info?.per_page === 'number' && info.per_page > 0 && { perPage: info.per_page }),
      ...(typeof info?.total_pages === 'number' && { totalPages: info.total_pages }),
    };
  }

  return {
    name: 'cloudflare',
    ...self,

    checkName(what, name) {
      if (!NAME.test(name) || name.length > 255) {
        throw invalidName(name, { noun: `${what} name`, char: /[A-Za-z0-9_-]/, max: 255, words: 'use letters, digits, "_" and "-" (up to 255)', reason: `${what}_name_invalid` });
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

    async createStore(name) {
      return storeOf((await result('POST', `${account}/stores`, { body: { name } })).result);
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
      return secretOf((await result('GET', secret(storeId, id))).result);
    },

    async createSecrets(storeId, secrets: NewSecret[]) {
      for (const s of secrets) requireSupport(self, { window: s.window !== undefined });
      const created: Secret[] = [];
      for (const batch of chunks(secrets, BATCH)) {
        const body = batch.map((s) => ({ name: s.name, value: s.value, scopes: s.scopes, ...(s.comment !== undefined && { comment: s.comment }) }));
        created.push(...list((await result('POST', `${store(storeId)}/secrets`, { body })).result).map(secretOf));
      }
      return created;
    },

    async patchSecret(storeId, id, patch: SecretPatch) {
      requireSupport(self, { window: patch.window !== undefined });
      return secretOf((await result('PATCH', secret(storeId, id), { body: patch })).result);
    },

    async duplicateSecret(storeId, id, { overwrite, ...copy }) {
      requireSupport(self, { overwrite: overwrite === true });
      return secretOf((await result('POST', `${secret(storeId, id)}/duplicate`, { body: copy })).result);
    },

    async deleteSecrets(storeId, ids) {
      for (const batch of chunks(ids, BATCH)) await result('DELETE', `${store(storeId)}/secrets`, { body: { ids: batch } });
    },

    async revealSecrets(storeId, ids): Promise<RevealedSecret[]> {
      requireSupport(self, { reveal: 'secrets get --reveal' });
      // One request per 100 values through the local bulk extension (`…/secrets/values?ids=`), not one per value.
      const revealed: RevealedSecret[] = [];
      for (const batch of chunks(ids, BATCH)) {
        for (const item of list((await result('GET', `${store(storeId)}/secrets/values`, { query: { ids: batch.join(',') } })).result)) {
          const { data } = parseResponse(RevealedSchema, item, 'value');
          revealed.push({ id: data.id, name: data.name, value: data.value });
        }
      }
      return revealed;
    },

    async quota(): Promise<Quota> {
      const { data, raw } = parseResponse(QuotaSchema, (await result('GET', `${account}/quota`)).result, 'quota');
      return { usage: data.secrets?.usage ?? 0, quota: data.secrets?.quota ?? undefined, raw };
    },

    // The local extensions below: routes of an sstore server (and the embedded store), never of Cloudflare itself.
    async listAudit(query: AuditQuery): Promise<AuditRecord[]> {
      requireSupport(self, { extension: EXTENSION_COMMANDS.listAudit });
      return list((await result('GET', '/sstore/audit', { query: { ...query } })).result).map((item) => parseResponse(AuditSchema, item, 'audit entry').data);
    },

    async listVersions(storeId, id): Promise<SecretVersionInfo[]> {
      requireSupport(self, { extension: EXTENSION_COMMANDS.listVersions });
      return list((await result('GET', `${secret(storeId, id)}/versions`)).result).map((item) => parseResponse(VersionSchema, item, 'version').data);
    },

    async revealVersion(storeId, id, version): Promise<RevealedSecret> {
      requireSupport(self, { extension: EXTENSION_COMMANDS.revealVersion, reveal: 'secrets get --version' });
      const { data } = parseResponse(RevealedSchema, (await result('GET', `${secret(storeId, id)}/versions/${version}/value`)).result, 'value');
      return { id: data.id, name: data.name, value: data.value };
    },

    async rollbackSecret(storeId, id, version) {
      requireSupport(self, { extension: EXTENSION_COMMANDS.rollbackSecret });
      return secretOf((await result('POST', `${secret(storeId, id)}/rollback`, { body: { version } })).result);
    },

    async close() {
      await options.close?.();
    },
  };
}

/** api.cloudflare.com itself never returns values and keeps no audit trail; an sstore server speaking its API does. */
function isCloudflareItself(url: string): boolean {
  try {
    return new URL(url).hostname === new URL(DEFAULT_URL).hostname;
  } catch {
    return false;
  }
}

export const CLOUDFLARE: ProviderDescriptor = {
  name: 'cloudflare',
  title: 'Cloudflare',
  accountNoun: 'account',
  env: { account: 'CLOUDFLARE_ACCOUNT_ID', token: 'CLOUDFLARE_API_TOKEN' },
  defaultUrl: DEFAULT_URL,
  root: '/client/v4',
  pastedPath: undefined,
  maxAccountLength: 64,
  valuesNoun: 'Cloudflare Secrets Store values',
  headers: (token): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
  errorFor: cloudflareError,
  capabilities: CAPABILITIES,
  connect: ({ http, account, close }) => cloudflareProvider({ http, accountId: account, local: !isCloudflareItself(http.baseUrl), ...(close && { close }) }),
};
