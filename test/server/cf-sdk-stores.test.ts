import assert from 'node:assert/strict';
import { test } from 'node:test';
import Cloudflare from 'cloudflare';
import { ACCOUNT, ID, MICRO_ISO, ROOT_TOKEN, assertFailure, startCf, storesPath } from './cf-fixture.ts';
import type { WireStore } from './cf-wire.ts';

const cf = await startCf();
const sdk = cf.sdk();

test('stores.create takes an object and returns the store; stores.get finds it', async () => {
  const store = await sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'service_x_keys' });
  assert.match(store.id, ID);
  assert.equal(store.name, 'service_x_keys');
  assert.equal(store.account_id, ACCOUNT);
  assert.match(store.created, MICRO_ISO);
  assert.match(store.modified, MICRO_ISO);
  const got = await sdk.secretsStore.stores.get(store.id, { account_id: ACCOUNT });
  assert.deepEqual(got, store);
});

test('the legacy array body creates one store and answers with an array', async () => {
  const reply = await cf.call<WireStore[]>('POST', storesPath(), { body: [{ name: 'legacy_store' }] });
  assert.equal(reply.status, 200, reply.text);
  assert.ok(Array.isArray(reply.json.result));
  assert.equal(reply.json.result[0]!.name, 'legacy_store');
  assert.match(reply.json.result[0]!.id, ID);
  const two = await cf.call('POST', storesPath(), { body: [{ name: 'a_store' }, { name: 'b_store' }] });
  assertFailure(two, 400, 1001);
});

test('a store name taken in the account is 409 with code 1003 and x-should-retry: false', async () => {
  const reply = await cf.call('POST', storesPath(), { body: { name: 'service_x_keys' } });
  assertFailure(reply, 409, 1003);
  assert.equal(reply.headers.get('x-should-retry'), 'false');
  await assert.rejects(sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'service_x_keys' }), Cloudflare.ConflictError);
});

test('stores.list orders by created desc by default, and by name or modified in either direction', async () => {
  for (const name of ['delta', 'alpha', 'charlie']) await sdk.secretsStore.stores.create({ account_id: ACCOUNT, name });
  const byDefault = await sdk.secretsStore.stores.list({ account_id: ACCOUNT });
  const names = byDefault.result.map((s) => s.name);
  assert.deepEqual(names, ['charlie', 'alpha', 'delta', 'legacy_store', 'service_x_keys']);
  const created = byDefault.result.map((s) => s.created);
  assert.deepEqual(created, [...created].sort().reverse());
  const asc = await sdk.secretsStore.stores.list({ account_id: ACCOUNT, order: 'name', direction: 'asc' });
  assert.deepEqual(asc.result.map((s) => s.name), ['alpha', 'charlie', 'delta', 'legacy_store', 'service_x_keys']);
  const desc = await sdk.secretsStore.stores.list({ account_id: ACCOUNT, order: 'name', direction: 'desc' });
  assert.deepEqual(desc.result.map((s) => s.name), ['service_x_keys', 'legacy_store', 'delta', 'charlie', 'alpha']);
  const modified = await sdk.secretsStore.stores.list({ account_id: ACCOUNT, order: 'modified', direction: 'asc' });
  assert.deepEqual(modified.result.map((s) => s.name), [...names].reverse());
});

test('pages carry result_info; a page past the end is 200 with an empty result; for-await stops', async () => {
  const first = await cf.call<WireStore[]>('GET', `${storesPath()}?per_page=2&page=1&order=name&direction=asc`);
  assert.equal(first.status, 200);
  assert.deepEqual(first.json.result_info, { count: 2, page: 1, per_page: 2, total_count: 5, total_pages: 3 });
  const last = await cf.call<WireStore[]>('GET', `${storesPath()}?per_page=2&page=3&order=name&direction=asc`);
  assert.deepEqual(last.json.result.map((s) => s.name), ['service_x_keys']);
  const beyond = await cf.call<WireStore[]>('GET', `${storesPath()}?per_page=2&page=9`);
  assert.equal(beyond.status, 200);
  assert.deepEqual(beyond.json.result, []);
  assert.equal(beyond.json.result_info.count, 0);

  const seen: string[] = [];
  for await (const store of sdk.secretsStore.stores.list({ account_id: ACCOUNT, per_page: 2, order: 'name', direction: 'asc' })) {
    seen.push(store.name);
    assert.ok(seen.length <= 5, 'auto-pagination did not stop');
  }
  assert.deepEqual(seen, ['alpha', 'charlie', 'delta', 'legacy_store', 'service_x_keys']);
});

test('stores.delete refuses a store with secrets (409 store_not_empty), deletes it with force=true', async () => {
  const store = await sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'full' });
  await sdk.secretsStore.stores.secrets.create(store.id, { account_id: ACCOUNT, body: [{ name: 'K', value: 'v', scopes: ['workers'] }] });
  const error = await sdk.secretsStore.stores.delete(store.id, { account_id: ACCOUNT }).then(
    () => assert.fail('deleted a non-empty store'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof Cloudflare.ConflictError);
  assert.match(String(error.errors[0]?.message), /store_not_empty/);
  const raw = await cf.call('DELETE', `${storesPath()}/${store.id}`);
  assertFailure(raw, 409, 1003, /store_not_empty/);
  assert.equal(raw.headers.get('x-should-retry'), 'false');

  assert.equal(await sdk.secretsStore.stores.delete(store.id, { account_id: ACCOUNT, force: true }), null);
  await assert.rejects(sdk.secretsStore.stores.get(store.id, { account_id: ACCOUNT }), Cloudflare.NotFoundError);
  const secrets = await cf.call('GET', `${storesPath()}/${store.id}/secrets`);
  assertFailure(secrets, 404, 1001, /store_not_found/);
});

test('an empty store is deleted with or without force; the answer is 200 with result null', async () => {
  const a = await sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'empty_a' });
  const b = await sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'empty_b' });
  const reply = await cf.call('DELETE', `${storesPath()}/${a.id}`);
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.json, { success: true, errors: [], messages: [], result: null });
  assert.equal(await sdk.secretsStore.stores.delete(b.id, { account_id: ACCOUNT, force: true }), null);
  await assert.rejects(sdk.secretsStore.stores.delete(b.id, { account_id: ACCOUNT }), Cloudflare.NotFoundError);
});

test('quota.get reports the secrets quota and the account usage', async () => {
  const before = await sdk.secretsStore.quota.get({ account_id: ACCOUNT });
  assert.equal(before.secrets.quota, 10_000);
  const store = await sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'counted' });
  await sdk.secretsStore.stores.secrets.create(store.id, {
    account_id: ACCOUNT,
    body: [
      { name: 'ONE', value: '1', scopes: ['workers'] },
      { name: 'TWO', value: '2', scopes: ['workers'] },
    ],
  });
  const after = await sdk.secretsStore.quota.get({ account_id: ACCOUNT });
  assert.equal(after.secrets.usage, before.secrets.usage + 2);
});

test('the X-Auth-Email + X-Auth-Key client works like the token client', async () => {
  const keyClient = new Cloudflare({ apiKey: ROOT_TOKEN, apiEmail: 'user@example.com', baseURL: cf.server.api, maxRetries: 0 });
  const store = await keyClient.secretsStore.stores.create({ account_id: ACCOUNT, name: 'by_key' });
  const got = await keyClient.secretsStore.stores.get(store.id, { account_id: ACCOUNT });
  assert.equal(got.name, 'by_key');
  const wrong = new Cloudflare({ apiKey: 'not-a-token', apiEmail: 'user@example.com', baseURL: cf.server.api, maxRetries: 0 });
  await assert.rejects(wrong.secretsStore.quota.get({ account_id: ACCOUNT }), Cloudflare.AuthenticationError);
  const noEmail = await cf.call('GET', storesPath(), { token: null, headers: { 'x-auth-key': ROOT_TOKEN } });
  assertFailure(noEmail, 401, 10000, /X-Auth-Email/);
});
