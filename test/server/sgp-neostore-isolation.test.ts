import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const ROOT = 'root-token-for-isolation';
const A = 'acct-a';
const B = 'acct-b';
const NAME = 'shared-name';

const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });

/** The parts of the three dialects' bodies these tests read. */
interface Body {
  id: string;
  total: number;
  items: { id: string; key: string }[];
  result: { id: string; name: string }[] & { id: string };
}

async function request<T = Body>(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; text: string; json: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    // Cloudflare's routes take a Bearer token (or X-Auth-Email + X-Auth-Key); SGP and Neostore take the API-key header.
    headers: {
      ...(path.startsWith('/client/v4/') ? { authorization: `Bearer ${ROOT}` } : { 'x-api-key': ROOT }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined) as T;
  return { status: response.status, text, json };
}

const sgp = (account: string) => ({ 'x-selected-account-id': account });

test('an SGP secret of account A is invisible from account B', async () => {
  const made = await request('POST', '/v5/sgp/secrets', sgp(A), { key: NAME, value: 'sgp-a' });
  assert.equal(made.status, 200);
  assert.equal((await request('GET', '/v5/sgp/secrets', sgp(B))).json.total, 0);
  assert.equal((await request('GET', `/v5/sgp/secrets/${made.json.id}`, sgp(B))).status, 404);
  assert.equal((await request('PATCH', `/v5/sgp/secrets/${made.json.id}`, sgp(B), { value: 'x' })).status, 404);
  assert.equal((await request('DELETE', `/v5/sgp/secrets/${made.json.id}`, sgp(B))).status, 404);
  // The same key in B is a different secret, not a 409.
  const inB = await request('POST', '/v5/sgp/secrets', sgp(B), { key: NAME, value: 'sgp-b' });
  assert.equal(inB.status, 200);
  assert.notEqual(inB.json.id, made.json.id);
  assert.equal((await request('GET', `/v5/sgp/secrets/${made.json.id}`, sgp(A))).status, 200);
});

test('a Neostore secret of tenant A is invisible from tenant B', async () => {
  assert.equal((await request('PUT', `/api/${A}/secrets/${NAME}`, {}, { value: 'neo-a' })).status, 204);
  assert.equal((await request('GET', `/api/${B}/secrets/${NAME}`)).status, 404);
  assert.deepEqual((await request<string[]>('GET', `/api/${B}/secrets`)).json, []);
  assert.equal((await request('DELETE', `/api/${B}/secrets/${NAME}`)).status, 404);
  assert.equal((await request('GET', `/api/${A}/secrets/${NAME}`)).text, 'neo-a');
});

test('the same name in Cloudflare, SGP and Neostore is three separate secrets', async () => {
  const store = await request('POST', `/client/v4/accounts/${A}/secrets_store/stores`, {}, { name: 'main' });
  assert.equal(store.status, 200, store.text);
  const storeId = store.json.result.id;
  const cf = await request('POST', `/client/v4/accounts/${A}/secrets_store/stores/${storeId}/secrets`, {}, [
    { name: 'cf-only', value: 'cf-value', scopes: ['workers'] },
    { name: NAME, value: 'cf-shared', scopes: ['workers'] },
  ]);
  assert.equal(cf.status, 200, cf.text);
  const cfOnlyId = cf.json.result[0]!.id;

  // Cloudflare's names are not visible through SGP or Neostore, by name or by id.
  const sgpList = await request('GET', '/v5/sgp/secrets?limit=10000', sgp(A));
  assert.deepEqual(sgpList.json.items.map((s) => s.key), [NAME]);
  assert.equal((await request('GET', `/v5/sgp/secrets/${cfOnlyId}`, sgp(A))).status, 404);
  assert.equal((await request('GET', `/api/${A}/secrets/cf-only`)).status, 404);
  assert.deepEqual((await request<string[]>('GET', `/api/${A}/secrets`)).json, [NAME]);
  assert.equal((await request('GET', `/api/${A}/secrets/${NAME}`)).text, 'neo-a');

  // SGP and Neostore secrets are not visible through Cloudflare: only the one store and its two secrets.
  const stores = await request('GET', `/client/v4/accounts/${A}/secrets_store/stores`);
  assert.deepEqual(stores.json.result.map((s) => s.id), [storeId]);
  const cfSecrets = await request('GET', `/client/v4/accounts/${A}/secrets_store/stores/${storeId}/secrets`);
  assert.deepEqual(cfSecrets.json.result.map((s) => s.name).sort(), ['cf-only', NAME].sort());
  const sgpId = sgpList.json.items[0]!.id;
  assert.equal((await request('GET', `/client/v4/accounts/${A}/secrets_store/stores/${storeId}/secrets/${sgpId}`)).status, 404);

  // And SGP and Neostore do not see each other: deleting one leaves the others.
  assert.equal((await request('DELETE', `/api/${A}/secrets/${NAME}`)).status, 204);
  assert.equal((await request('GET', '/v5/sgp/secrets', sgp(A))).json.total, 1);
  assert.equal((await request('GET', `/client/v4/accounts/${A}/secrets_store/stores/${storeId}/secrets`)).json.result.length, 2);
});
