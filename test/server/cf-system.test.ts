import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCOUNT, ID, MICRO_ISO, assertFailure, assertNoValueLeaked, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

const cf = await startCf();
const svcA = await cf.createToken('svc-a', 'read,write', ['--service', 'svc-a']);
const svcB = await cf.createToken('svc-b', 'read,write', ['--service', 'svc-b']);
const TAG = '12a6ed19f349896cfbd6694ba3de8d31';
const sys = (path = '') => `/system/accounts/${TAG}/stores${path}`;
const VALUES = ['system-value-one-9f3a', 'system-value-two-77c1', 'system-value-three-0b2e'];

let storeA = '';
let secretIds: string[] = [];

test('POST /system/.../stores creates a store managed by the calling service', async () => {
  const reply = await cf.call<WireStore>('POST', sys(), { token: svcA, body: { name: 'managed', account_id: 123456 } });
  assert.equal(reply.status, 200, reply.text);
  assert.match(reply.json.result.id, ID);
  assert.equal(reply.json.result.name, 'managed');
  assert.match(reply.json.result.created, MICRO_ISO);
  assert.ok(!('managed_by' in reply.json.result));
  storeA = reply.json.result.id;
  const other = await cf.call('POST', sys(), { token: svcB, body: { name: 'b_store', account_id: '123456' } });
  assert.equal(other.status, 200, other.text);
  for (const body of [{ name: 'no_account' }, { name: 'bad_account', account_id: 'abc' }, { name: 'float', account_id: 1.5 }, { account_id: 1 }]) {
    assertFailure(await cf.call('POST', sys(), { token: svcA, body }), 400, 1001);
  }
});

test('GET /system/.../stores lists only the stores the caller manages', async () => {
  await cf.call('POST', `/accounts/${TAG}/secrets_store/stores`, { body: { name: 'account_made' } });
  const a = await cf.call<WireStore[]>('GET', sys(), { token: svcA });
  assert.equal(a.status, 200);
  assert.deepEqual(a.json.result.map((s) => s.name), ['managed']);
  assert.equal(a.json.result_info.total_count, 1);
  const b = await cf.call<WireStore[]>('GET', `${sys()}?order=name&direction=asc&page=1&per_page=10`, { token: svcB });
  assert.deepEqual(b.json.result.map((s) => s.name), ['b_store']);
  const accountView = await cf.call<WireStore[]>('GET', `/accounts/${TAG}/secrets_store/stores?order=name&direction=asc`);
  assert.deepEqual(accountView.json.result.map((s) => s.name), ['account_made', 'b_store', 'managed']);
});

test('GET /system/.../stores/{id}: the owner sees it, another service gets 404', async () => {
  const mine = await cf.call<WireStore>('GET', sys(`/${storeA}`), { token: svcA });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.result.id, storeA);
  assertFailure(await cf.call('GET', sys(`/${storeA}`), { token: svcB }), 404, 1001);
});

test('secrets on system routes: create, list, get, patch, duplicate, delete, bulk delete (both bodies)', async () => {
  const created = await cf.call<WireSecret[]>('POST', sys(`/${storeA}/secrets`), {
    token: svcA,
    body: [
      { name: 'ONE', value: VALUES[0], scopes: ['workers'] },
      { name: 'TWO', value: VALUES[1], scopes: ['workers', 'dex'], comment: 'two' },
    ],
  });
  assert.equal(created.status, 200, created.text);
  secretIds = created.json.result.map((s) => s.id);
  const list = await cf.call<WireSecret[]>('GET', sys(`/${storeA}/secrets?scopes=dex&search=tw`), { token: svcA });
  assert.deepEqual(list.json.result.map((s) => s.name), ['TWO']);
  const got = await cf.call<WireSecret>('GET', sys(`/${storeA}/secrets/${secretIds[0]}`), { token: svcA });
  assert.equal(got.json.result.name, 'ONE');
  const patched = await cf.call<WireSecret>('PATCH', sys(`/${storeA}/secrets/${secretIds[0]}`), { token: svcA, body: { value: VALUES[2], comment: 'rotated' } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.result.comment, 'rotated');
  const dup = await cf.call<WireSecret>('POST', sys(`/${storeA}/secrets/${secretIds[0]}/duplicate`), { token: svcA, body: { name: 'ONE_COPY', scopes: ['access'] } });
  assert.equal(dup.status, 200, dup.text);
  assert.equal((await cf.reveal(storeA, dup.json.result.id, undefined, TAG)).value, VALUES[2]);

  const del = await cf.call('DELETE', sys(`/${storeA}/secrets/${dup.json.result.id}`), { token: svcA });
  assert.equal(del.status, 202);
  const bulkLegacy = await cf.call('DELETE', sys(`/${storeA}/secrets`), { token: svcA, body: [{ id: secretIds[1] }] });
  assert.equal(bulkLegacy.status, 202, bulkLegacy.text);
  const bulk = await cf.call('DELETE', sys(`/${storeA}/secrets`), { token: svcA, body: { ids: [secretIds[0]] } });
  assert.equal(bulk.status, 202, bulk.text);
  const empty = await cf.call('GET', sys(`/${storeA}/secrets`), { token: svcA });
  assert.deepEqual(empty.json.result, []);
});

test("every system route on another service's store is 404, and changes nothing", async () => {
  const made = await cf.call<WireSecret[]>('POST', sys(`/${storeA}/secrets`), { token: svcA, body: [{ name: 'KEPT', value: VALUES[0], scopes: ['workers'] }] });
  const kept = made.json.result[0]!.id;
  const attempts: [string, string, unknown?][] = [
    ['GET', sys(`/${storeA}/secrets`)],
    ['POST', sys(`/${storeA}/secrets`), [{ name: 'X', value: 'x', scopes: ['workers'] }]],
    ['DELETE', sys(`/${storeA}/secrets`), { ids: [kept] }],
    ['GET', sys(`/${storeA}/secrets/${kept}`)],
    ['PATCH', sys(`/${storeA}/secrets/${kept}`), { comment: 'hijacked' }],
    ['DELETE', sys(`/${storeA}/secrets/${kept}`)],
    ['POST', sys(`/${storeA}/secrets/${kept}/duplicate`), { name: 'STOLEN', scopes: ['workers'] }],
    ['DELETE', `${sys(`/${storeA}`)}?force=true`],
  ];
  for (const [method, path, body] of attempts) {
    assertFailure(await cf.call(method, path, { token: svcB, ...(body !== undefined && { body }) }), 404, 1001, /store_not_found/);
  }
  const still = await cf.call<WireSecret>('GET', sys(`/${storeA}/secrets/${kept}`), { token: svcA });
  assert.equal(still.json.result.comment, '');
});

test('system store delete: 409 when not empty, then force=true; a token without a service gets 403', async () => {
  assertFailure(await cf.call('DELETE', sys(`/${storeA}`), { token: svcA }), 409, 1003, /store_not_empty/);
  assertFailure(await cf.call('GET', sys()), 403, 10000, /service/);
  const forced = await cf.call('DELETE', `${sys(`/${storeA}`)}?force=true`, { token: svcA });
  assert.equal(forced.status, 200, forced.text);
  assert.equal(forced.json.result, null);
  assertFailure(await cf.call('GET', sys(`/${storeA}`), { token: svcA }), 404, 1001);
  const accountView = await cf.call<WireStore[]>('GET', storesPath(TAG));
  assert.ok(!accountView.json.result.some((s) => s.id === storeA));
  assert.notEqual(ACCOUNT, TAG);
});

test('no system response carried a stored value', () => {
  assertNoValueLeaked(cf.rec.bodies, VALUES);
});
