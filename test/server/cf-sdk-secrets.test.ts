import assert from 'node:assert/strict';
import { test } from 'node:test';
import Cloudflare from 'cloudflare';
import { ACCOUNT, ID, MICRO_ISO, assertFailure, assertNoValueLeaked, secretsPath, startCf } from './cf-fixture.ts';
import type { WireSecret } from './cf-wire.ts';

const cf = await startCf();
const sdk = cf.sdk();
const secrets = sdk.secretsStore.stores.secrets;
const store = await sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'main' });
/** Every value stored in this file: none may ever come back except through the reveal route. */
const VALUES: string[] = [];
const value = (label: string) => {
  const v = `value-${label}-${Math.random().toString(36).slice(2)}`;
  VALUES.push(v);
  return v;
};

test('secrets.create takes an array and returns the created secrets, never their values', async () => {
  const page = await secrets.create(store.id, {
    account_id: ACCOUNT,
    body: [
      { name: 'MY_API_KEY', value: value('api'), scopes: ['workers', 'ai_gateway', 'dex', 'access', 'websearch'], comment: 'info about my secret' },
      { name: 'DB_PASSWORD', value: value('db'), scopes: ['workers'] },
    ],
  });
  assert.equal(page.result.length, 2);
  const [api, db] = page.result;
  assert.match(api!.id, ID);
  assert.equal(api!.store_id, store.id);
  assert.equal(api!.status, 'active');
  assert.deepEqual(api!.scopes, ['workers', 'ai_gateway', 'dex', 'access', 'websearch']);
  assert.equal(api!.comment, 'info about my secret');
  assert.equal(db!.comment, '');
  assert.match(db!.created, MICRO_ISO);
  assert.equal(db!.created, db!.modified);
  assert.ok(!('value' in api!));
});

test('secrets.get returns one secret', async () => {
  const list = await secrets.list(store.id, { account_id: ACCOUNT, search: 'MY_API_KEY' });
  const id = list.result[0]!.id;
  const got = await secrets.get(id, { account_id: ACCOUNT, store_id: store.id });
  assert.equal(got.name, 'MY_API_KEY');
  assert.equal(got.id, id);
  await assert.rejects(secrets.get('0'.repeat(32), { account_id: ACCOUNT, store_id: store.id }), Cloudflare.NotFoundError);
});

test('list: created desc by default; order and direction; search over name and comment, any case', async () => {
  await secrets.create(store.id, {
    account_id: ACCOUNT,
    body: [
      { name: 'ALPHA', value: value('alpha'), scopes: ['workers', 'ai_gateway'], comment: 'payments Gateway' },
      { name: 'bravo', value: value('bravo'), scopes: ['ai_gateway'] },
      { name: 'CHARLIE', value: value('charlie'), scopes: ['dex', 'workers', 'ai_gateway'], comment: 'zzz' },
    ],
  });
  const all = await secrets.list(store.id, { account_id: ACCOUNT });
  assert.deepEqual(all.result.map((s) => s.name), ['CHARLIE', 'bravo', 'ALPHA', 'DB_PASSWORD', 'MY_API_KEY']);
  const byName = await secrets.list(store.id, { account_id: ACCOUNT, order: 'name', direction: 'asc' });
  assert.deepEqual(byName.result.map((s) => s.name), ['ALPHA', 'CHARLIE', 'DB_PASSWORD', 'MY_API_KEY', 'bravo']);
  const byComment = await secrets.list(store.id, { account_id: ACCOUNT, order: 'comment', direction: 'desc' });
  assert.deepEqual(byComment.result.map((s) => s.name).slice(0, 3), ['CHARLIE', 'ALPHA', 'MY_API_KEY']);
  const oldest = await secrets.list(store.id, { account_id: ACCOUNT, order: 'created', direction: 'asc' });
  assert.deepEqual(oldest.result.map((s) => s.name), ['MY_API_KEY', 'DB_PASSWORD', 'ALPHA', 'bravo', 'CHARLIE']);
  const byStatus = await secrets.list(store.id, { account_id: ACCOUNT, order: 'status' });
  assert.equal(byStatus.result.length, 5);
  const byModified = await secrets.list(store.id, { account_id: ACCOUNT, order: 'modified', direction: 'asc' });
  assert.equal(byModified.result[0]!.name, 'MY_API_KEY');

  const search = async (q: string) => (await secrets.list(store.id, { account_id: ACCOUNT, search: q, order: 'name', direction: 'asc' })).result.map((s) => s.name);
  assert.deepEqual(await search('gateway'), ['ALPHA']); // in the comment, other case
  assert.deepEqual(await search('AR'), ['CHARLIE']); // name substring
  assert.deepEqual(await search('a'), ['ALPHA', 'CHARLIE', 'DB_PASSWORD', 'MY_API_KEY', 'bravo']);
  assert.deepEqual(await search('100%_'), []); // LIKE wildcards are literal
});

test('scopes filter: repeated keys (the SDK) and comma-separated (raw) both match secrets having all the scopes', async () => {
  const sdkForm = await secrets.list(store.id, { account_id: ACCOUNT, scopes: ['workers', 'ai_gateway'], order: 'name', direction: 'asc' });
  assert.deepEqual(sdkForm.result.map((s) => s.name), ['ALPHA', 'CHARLIE', 'MY_API_KEY']);
  const comma = await cf.call<WireSecret[]>('GET', `${secretsPath(store.id)}?scopes=workers,ai_gateway&order=name&direction=asc`);
  assert.equal(comma.status, 200);
  assert.deepEqual(comma.json.result.map((s) => s.name), ['ALPHA', 'CHARLIE', 'MY_API_KEY']);
  const repeated = await cf.call<WireSecret[]>('GET', `${secretsPath(store.id)}?scopes=dex&scopes=workers`);
  assert.deepEqual(repeated.json.result.map((s) => s.name).sort(), ['CHARLIE', 'MY_API_KEY']);
  const bad = await cf.call('GET', `${secretsPath(store.id)}?scopes=workers,nope`);
  assertFailure(bad, 400, 1001, /nope/);
});

test('auto-pagination over secrets ends on the empty page; result_info counts the filtered total', async () => {
  const body = Array.from({ length: 10 }, (_, i) => ({ name: `PAGED_${String(i).padStart(2, '0')}`, value: value(`p${i}`), scopes: ['containers' as const] }));
  await secrets.create(store.id, { account_id: ACCOUNT, body });
  const names: string[] = [];
  for await (const secret of secrets.list(store.id, { account_id: ACCOUNT, scopes: ['containers'], per_page: 3, order: 'name', direction: 'asc' })) {
    names.push(secret.name);
    assert.ok(names.length <= 10, 'auto-pagination did not stop');
  }
  assert.deepEqual(names, body.map((b) => b.name));
  const page = await cf.call<WireSecret[]>('GET', `${secretsPath(store.id)}?scopes=containers&per_page=3&page=4`);
  assert.deepEqual(page.json.result_info, { count: 1, page: 4, per_page: 3, total_count: 10, total_pages: 4 });
  const beyond = await cf.call('GET', `${secretsPath(store.id)}?scopes=containers&per_page=3&page=5`);
  assert.equal(beyond.status, 200);
  assert.deepEqual(beyond.json.result, []);
});

test('secrets.edit patches value, comment and scopes; the reveal route shows the new value', async () => {
  const [created] = (await secrets.create(store.id, { account_id: ACCOUNT, body: [{ name: 'EDITED', value: value('old'), scopes: ['workers'] }] })).result;
  const next = value('new');
  const edited = await secrets.edit(created!.id, { account_id: ACCOUNT, store_id: store.id, value: next, comment: 'rotated', scopes: ['access', 'dex'] });
  assert.equal(edited.comment, 'rotated');
  assert.deepEqual(edited.scopes, ['access', 'dex']);
  assert.equal(edited.name, 'EDITED');
  assert.ok(edited.modified > created!.modified);
  assert.equal(edited.created, created!.created);
  assert.equal((await cf.reveal(store.id, created!.id)).value, next);
  const commentOnly = await secrets.edit(created!.id, { account_id: ACCOUNT, store_id: store.id, comment: 'only the comment' });
  assert.deepEqual(commentOnly.scopes, ['access', 'dex']);
  assert.equal((await cf.reveal(store.id, created!.id)).value, next);
  const untouched = await cf.call<WireSecret>('PATCH', `${secretsPath(store.id)}/${created!.id}`, { body: {} });
  assert.equal(untouched.status, 200);
  assert.equal(untouched.json.result.modified, commentOnly.modified);
  await assert.rejects(secrets.edit('f'.repeat(32), { account_id: ACCOUNT, store_id: store.id, comment: 'x' }), Cloudflare.NotFoundError);
});

test('secrets.duplicate makes a new secret with the stored value; a taken name is 409/1003', async () => {
  const original = value('dup');
  const [source] = (await secrets.create(store.id, { account_id: ACCOUNT, body: [{ name: 'SOURCE', value: original, scopes: ['workers'], comment: 'c' }] })).result;
  const copy = await secrets.duplicate(source!.id, { account_id: ACCOUNT, store_id: store.id, name: 'COPY', scopes: ['ai_gateway'], comment: 'the copy' });
  assert.notEqual(copy.id, source!.id);
  assert.match(copy.id, ID);
  assert.equal(copy.name, 'COPY');
  assert.deepEqual(copy.scopes, ['ai_gateway']);
  assert.equal(copy.comment, 'the copy');
  assert.equal((await cf.reveal(store.id, copy.id)).value, original);
  const clash = await secrets
    .duplicate(source!.id, { account_id: ACCOUNT, store_id: store.id, name: 'COPY', scopes: ['workers'] })
    .then(() => assert.fail('duplicated onto a taken name'), (e: unknown) => e);
  assert.ok(clash instanceof Cloudflare.ConflictError);
  assert.equal(clash.errors[0]?.code, 1003);
  assert.equal(clash.headers?.get('x-should-retry'), 'false');
});

test('secrets.delete answers 202 with result null; the secret is gone', async () => {
  const [doomed] = (await secrets.create(store.id, { account_id: ACCOUNT, body: [{ name: 'DOOMED', value: value('doomed'), scopes: ['workers'] }] })).result;
  assert.equal(await secrets.delete(doomed!.id, { account_id: ACCOUNT, store_id: store.id }), null);
  await assert.rejects(secrets.get(doomed!.id, { account_id: ACCOUNT, store_id: store.id }), Cloudflare.NotFoundError);
  const [again] = (await secrets.create(store.id, { account_id: ACCOUNT, body: [{ name: 'DOOMED', value: value('doomed2'), scopes: ['workers'] }] })).result;
  const raw = await cf.call('DELETE', `${secretsPath(store.id)}/${again!.id}`);
  assert.equal(raw.status, 202);
  assert.deepEqual(raw.json, { success: true, errors: [], messages: [], result: null });
  await assert.rejects(secrets.delete(again!.id, { account_id: ACCOUNT, store_id: store.id }), Cloudflare.NotFoundError);
});

test('bulk delete: {"ids": [...]} and the legacy [{"id": ...}] answer 202; the SDK sends no body and gets 400', async () => {
  const made = (
    await secrets.create(store.id, {
      account_id: ACCOUNT,
      body: ['B1', 'B2', 'B3', 'B4'].map((name) => ({ name, value: value(name), scopes: ['workers' as const] })),
    })
  ).result;
  const ids = made.map((s) => s.id);
  const modern = await cf.call('DELETE', secretsPath(store.id), { body: { ids: ids.slice(0, 2) } });
  assert.equal(modern.status, 202, modern.text);
  assert.equal(modern.json.result, null);
  const legacy = await cf.call('DELETE', secretsPath(store.id), { body: [{ id: ids[2] }] });
  assert.equal(legacy.status, 202, legacy.text);
  const left = await secrets.list(store.id, { account_id: ACCOUNT, search: 'B', order: 'name', direction: 'asc' });
  assert.deepEqual(left.result.map((s) => s.name).filter((n) => /^B\d$/.test(n)), ['B4']);

  const sdkError = await secrets.bulkDelete(store.id, { account_id: ACCOUNT }).then(() => assert.fail('body-less bulk delete succeeded'), (e: unknown) => e);
  assert.ok(sdkError instanceof Cloudflare.BadRequestError);
  assert.equal(sdkError.errors[0]?.code, 1001);
  assert.match(String(sdkError.errors[0]?.message), /invalid_json_body/);

  const partlyUnknown = await cf.call('DELETE', secretsPath(store.id), { body: { ids: [ids[3], 'a'.repeat(32)] } });
  assertFailure(partlyUnknown, 404, 1001, /secret_not_found/);
  assert.equal((await secrets.get(ids[3]!, { account_id: ACCOUNT, store_id: store.id })).name, 'B4');
});

test('no response in this file carried a stored value', () => {
  assert.ok(VALUES.length > 20);
  assertNoValueLeaked(cf.rec.bodies, VALUES);
});
