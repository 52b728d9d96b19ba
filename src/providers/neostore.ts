import * as v from 'valibot';
import { isSstoreError, SstoreError } from '../errors.ts';
import { isJsonType, type HttpClient } from '../http/client.ts';
import { deleteEach } from './delete-each.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { implicitStore } from './implicit-store.ts';
import { invalidName } from './name-problem.ts';
import { neostoreError } from './neostore-errors.ts';
import type { Capabilities, NewSecret, Provider, Quota, RevealedSecret, Secret, SecretPatch, ValidityWindow } from './provider.ts';
import { parseResponse } from './raw.ts';
import { refusal, requireSupport, withoutExtensions } from './support.ts';

/** "Alphanumeric characters and hyphens only; case-sensitive." */
const KEY = /^[A-Za-z0-9-]+$/;

export interface NeostoreOptions {
  http: HttpClient;
  /** The `{tenantId}` of every path; also the name of the one implicit store. */
  tenantId: string;
  close?: () => Promise<void>;
}

/** A key in domain terms: Neostore has no ids and no metadata, so the key is both, and `--json` shows `{key}`. */
export function keySecretOf(key: string, tenant: string): Secret {
  return { id: key, name: key, storeId: tenant, comment: '', scopes: [], status: undefined, created: undefined, modified: undefined, raw: { key } };
}

/** Neostore's 404 is the same for a missing, an expired and a not-yet-valid key; say so. */
function notFound(key: string, tenant: string, cause?: SstoreError): SstoreError {
  return new SstoreError('not_found', `no secret "${key}" in tenant ${tenant}, or it is outside its validity window (expired or not yet valid)`, {
    reason: 'secret_not_found',
    hint: 'Neostore answers the same 404 for all three; `sstore secrets list` shows the keys valid now',
    ...(cause?.status !== undefined && { status: cause.status }),
  });
}

/** The body of a value GET: raw text, or a JSON string literal when the server chose JSON anyway. */
function valueOf(body: unknown, contentType: string | null): string {
  if (typeof body !== 'string') throw new SstoreError('internal', 'the API answered a value that is not text', { reason: 'bad_response' });
  if (!isJsonType(contentType)) return body;
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== 'string') throw new SstoreError('internal', 'the API answered a value that is not a string', { reason: 'bad_response' });
  return parsed;
}

function setRequest(value: string, window: ValidityWindow | undefined): { value: string; options?: ValidityWindow } {
  const options = { ...(window?.notBefore !== undefined && { notBefore: window.notBefore }), ...(window?.expiresOn !== undefined && { expiresOn: window.expiresOn }) };
  return Object.keys(options).length > 0 ? { value, options } : { value };
}

const KeyList = v.array(v.string());

const CAPABILITIES: Capabilities = {
  canReveal: true,
  nativeStores: false,
  quota: false,
  scopes: false,
  comments: false,
  validityWindow: true,
  duplicate: true,
  overwrite: true,
  orders: ['name'],
  maxBatch: 1,
  auditAndHistory: false,
};

/** Neostore (`/api/{tenantId}/secrets`): key → value per tenant, readable values, upserts, validity windows. */
export function neostoreProvider(options: NeostoreOptions): Provider {
  const { http, tenantId } = options;
  const collection = `/api/${encodeURIComponent(tenantId)}/secrets`;
  const item = (key: string) => `${collection}/${encodeURIComponent(key)}`;
  const store = implicitStore(tenantId, 'tenant');
  const self = { descriptor: NEOSTORE, capabilities: CAPABILITIES };

  function checkKey(key: string): void {
    if (!KEY.test(key)) {
      throw invalidName(key, { noun: 'Neostore key', char: /[A-Za-z0-9-]/, words: 'use letters, digits and "-" only', reason: 'secret_name_invalid' });
    }
  }

  const refuseExtras = (what: { scopes?: string[]; comment?: string }) =>
    requireSupport(self, { scopes: what.scopes !== undefined && what.scopes.length > 0, comment: what.comment !== undefined && what.comment !== '' });

  /** Every key valid now (what the API lists), in the API's order. */
  async function keys(): Promise<string[]> {
    const { body } = await http.request('GET', collection);
    return parseResponse(KeyList, body, 'key list (is the profile URL a Neostore root?)').data;
  }

  async function readValue(key: string): Promise<string> {
    checkKey(key);
    try {
      const response = await http.request('GET', item(key), { headers: { accept: 'text/plain' }, text: true });
      return valueOf(response.body, response.contentType);
    } catch (error) {
      if (isSstoreError(error) && error.kind === 'not_found') throw notFound(key, tenantId, error);
      throw error;
    }
  }

  async function put(key: string, value: string, window: ValidityWindow | undefined): Promise<Secret> {
    await http.request('PUT', item(key), { body: setRequest(value, window) });
    return keySecretOf(key, tenantId);
  }

  return {
    name: 'neostore',
    ...self,

    checkName(what, name) {
      if (what === 'secret') checkKey(name);
    },

    async verifyCredentials() {
      await keys();
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
      requireSupport(self, { scopes: query.scopes !== undefined && query.scopes.length > 0, ...(query.order !== undefined && { order: query.order }) });
      const needle = query.search ? query.search.toLowerCase() : undefined;
      // Ordinal order (code units), as the API sorts; one response, no paging.
      const sorted = (await keys()).filter((k) => needle === undefined || k.toLowerCase().includes(needle)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (query.direction === 'desc') sorted.reverse();
      for (const key of sorted) yield keySecretOf(key, tenantId);
    },

    async getSecret(_storeId, key) {
      checkKey(key);
      if (!(await keys()).includes(key)) throw notFound(key, tenantId);
      return keySecretOf(key, tenantId);
    },

    async createSecrets(_storeId, secrets: NewSecret[]) {
      for (const s of secrets) {
        checkKey(s.name);
        refuseExtras(s);
      }
      // PUT would overwrite: a create checks the key list first (racy, like any check-then-write).
      const existing = new Set(await keys());
      const taken = secrets.filter((s) => existing.has(s.name)).map((s) => s.name);
      if (taken.length > 0) throw new SstoreError('conflict', `the key ${taken.join(', ')} already exists in tenant ${tenantId}`, { reason: 'secret_name_already_exists' });
      const created: Secret[] = [];
      for (const s of secrets) created.push(await put(s.name, s.value, s.window));
      return created;
    },

    async patchSecret(_storeId, key, patch: SecretPatch) {
      checkKey(key);
      refuseExtras(patch);
      if (patch.value === undefined && patch.window === undefined) return keySecretOf(key, tenantId);
      // No PATCH: a PUT replaces value and window, so a window-only change re-sends the value read now.
      const value = patch.value ?? (await readValue(key));
      return put(key, value, patch.window);
    },

    async duplicateSecret(_storeId, key, copy) {
      checkKey(key);
      checkKey(copy.name);
      refuseExtras(copy);
      if (!copy.overwrite && (await keys()).includes(copy.name)) {
        throw new SstoreError('conflict', `the key ${copy.name} already exists in tenant ${tenantId}; nothing was copied`, {
          reason: 'secret_name_already_exists',
          hint: 'pass --force to overwrite it',
        });
      }
      return put(copy.name, await readValue(key), undefined);
    },

    async deleteSecrets(_storeId, ids) {
      await deleteEach(ids, async (key) => {
        checkKey(key);
        try {
          await http.request('DELETE', item(key));
        } catch (error) {
          // DELETE works outside the validity window too, so here a 404 only means the key is not there.
          if (isSstoreError(error) && error.kind === 'not_found') throw new SstoreError('not_found', `no secret "${key}" in tenant ${tenantId}`, { reason: 'secret_not_found' });
          throw error;
        }
      });
    },

    async revealSecrets(_storeId, ids): Promise<RevealedSecret[]> {
      const revealed: RevealedSecret[] = [];
      for (const key of ids) revealed.push({ id: key, name: key, value: await readValue(key) });
      return revealed;
    },

    async quota(): Promise<Quota> {
      // No usage endpoint: the number of keys listed now; the limit is unknown, never guessed.
      const usage = (await keys()).length;
      return { usage, quota: undefined, raw: { secrets: { usage, quota: null } } };
    },

    ...withoutExtensions(self),

    async close() {
      await options.close?.();
    },
  };
}

export const NEOSTORE: ProviderDescriptor = {
  name: 'neostore',
  title: 'Neostore',
  accountNoun: 'tenant',
  env: { account: 'NEOSTORE_TENANT_ID', token: 'NEOSTORE_API_KEY' },
  defaultUrl: 'https://app.neostore.cloud',
  root: '',
  pastedPath: { pattern: /\/(api|client\/v4)(\/|$)/, adds: '/api/{tenant}/secrets' },
  maxAccountLength: 128,
  valuesNoun: 'Neostore secret values',
  headers: (token): Record<string, string> => (token ? { 'x-api-key': token } : {}),
  errorFor: neostoreError,
  capabilities: CAPABILITIES,
  connect: ({ http, account, close }) => neostoreProvider({ http, tenantId: account, ...(close && { close }) }),
};
