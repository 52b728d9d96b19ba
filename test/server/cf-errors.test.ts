import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCOUNT, assertFailure, assertNoValueLeaked, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

const cf = await startCf();
const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
const STORED = 'stored-value-never-echoed-41c7';
const existing = await cf.call<WireSecret[]>('POST', secretsPath(store), { body: [{ name: 'EXISTING', value: STORED, scopes: ['workers'] }] });
const secret = existing.json.result[0]!.id;
const secretPath = `${secretsPath(store)}/${secret}`;

async function secretCount(): Promise<number> {
  return (await cf.call<WireSecret[]>('GET', `${secretsPath(store)}?per_page=100`)).json.result_info.total_count;
}

test('malformed JSON is a 400 envelope (1001 invalid_json_body) on every route with a body', async () => {
  for (const [method, path] of [
    ['POST', storesPath()],
    ['POST', secretsPath(store)],
    ['DELETE', secretsPath(store)],
    ['PATCH', secretPath],
    ['POST', `${secretPath}/duplicate`],
    ['POST', `/system/accounts/${ACCOUNT}/stores`],
  ] as const) {
    const token = path.startsWith('/system') ? await serviceToken() : undefined;
    const reply = await cf.call(method, path, { body: '{"name": "x",', ...(token && { token }) });
    assertFailure(reply, 400, 1001, /invalid_json_body/);
  }
});

let svc: string | undefined;
async function serviceToken(): Promise<string> {
  svc ??= await cf.createToken('svc', 'read,write', ['--service', 'svc']);
  return svc;
}

test('bulk delete without a body (what the SDK sends) is 400 invalid_json_body and deletes nothing', async () => {
  const before = await secretCount();
  assertFailure(await cf.call('DELETE', secretsPath(store)), 400, 1001, /invalid_json_body/);
  assertFailure(await cf.call('DELETE', secretsPath(store), { body: { ids: [] } }), 400, 1001);
  assert.equal(await secretCount(), before);
});

test('unknown routes and methods are 404 with code 7003', async () => {
  for (const [method, path] of [
    ['GET', '/nope'],
    ['GET', `/accounts/${ACCOUNT}/secrets_store/unknown`],
    ['PUT', storesPath()],
    ['POST', `${secretPath}/rename`],
    ['GET', `/accounts/${'a'.repeat(40)}/secrets_store/stores`],
  ] as const) {
    const reply = await cf.call(method, path);
    assertFailure(reply, 404, 7003, /No route for the URI/);
  }
  const outside = await fetch(`${cf.server.url}/definitely/not/here`);
  assert.equal(outside.status, 404);
  assert.equal(((await outside.json()) as { errors: { code: number }[] }).errors[0]!.code, 7003);
});

test('validation: scopes, names, value size (bytes), comment; nothing is created', async () => {
  const before = await secretCount();
  const create = (item: Record<string, unknown>) => cf.call('POST', secretsPath(store), { body: [item] });
  assertFailure(await create({ name: 'S', value: 'v', scopes: ['workers', 'kv'] }), 400, 1001, /secret_scope_invalid/);
  assertFailure(await create({ name: 'S', value: 'v', scopes: [] }), 400, 1001, /secret_scopes_empty/);
  assertFailure(await create({ name: 'S', value: 'v' }), 400, 1001);
  assertFailure(await create({ name: 'has space', value: 'v', scopes: ['workers'] }), 400, 1001, /secret_name_invalid/);
  assertFailure(await create({ name: 'dot.ted', value: 'v', scopes: ['workers'] }), 400, 1001, /secret_name_invalid/);
  assertFailure(await create({ name: '', value: 'v', scopes: ['workers'] }), 400, 1001, /secret_name_empty/);
  assertFailure(await create({ name: 'N'.repeat(256), value: 'v', scopes: ['workers'] }), 400, 1001, /secret_name_invalid/);
  assertFailure(await create({ name: 'BIG', value: 'x'.repeat(65_537), scopes: ['workers'] }), 400, 1001, /65537 bytes/);
  // 32,768 two-byte characters are 65,536 bytes: allowed; one more byte is not.
  assertFailure(await create({ name: 'WIDE', value: `${'é'.repeat(32_768)}x`, scopes: ['workers'] }), 400, 1001, /65537 bytes/);
  assertFailure(await create({ name: 'C', value: 'v', scopes: ['workers'], comment: 'c'.repeat(4097) }), 400, 1001);
  assertFailure(await cf.call('POST', storesPath(), { body: { name: 'bad name' } }), 400, 1001, /store_name_invalid/);
  assertFailure(await cf.call('PATCH', secretPath, { body: { scopes: ['nope'] } }), 400, 1001, /secret_scope_invalid/);
  assertFailure(await cf.call('PATCH', secretPath, { body: { value: 'x'.repeat(65_537) } }), 400, 1001);
  assert.equal(await secretCount(), before);
  const max = await create({ name: 'EXACTLY_MAX', value: 'é'.repeat(32_768), scopes: ['workers'] });
  assert.equal(max.status, 200, max.text);
});

test('a name clash is 409/1003 with x-should-retry: false, and a batch with one clash creates none', async () => {
  const before = await secretCount();
  const clash = await cf.call('POST', secretsPath(store), {
    body: [
      { name: 'FRESH_1', value: 'v', scopes: ['workers'] },
      { name: 'EXISTING', value: 'v', scopes: ['workers'] },
    ],
  });
  assertFailure(clash, 409, 1003, /secret_name_already_exists/);
  assert.equal(clash.headers.get('x-should-retry'), 'false');
  const twice = await cf.call('POST', secretsPath(store), {
    body: [
      { name: 'FRESH_2', value: 'v', scopes: ['workers'] },
      { name: 'FRESH_2', value: 'w', scopes: ['workers'] },
    ],
  });
  assertFailure(twice, 409, 1003, /secret_name_already_exists/);
  assert.equal(await secretCount(), before);
});

test('a store that holds secrets is 409 store_not_empty without force', async () => {
  const reply = await cf.call('DELETE', `${storesPath()}/${store}`);
  assertFailure(reply, 409, 1003, /store_not_empty/);
  assertFailure(await cf.call('DELETE', `${storesPath()}/${store}?force=maybe`), 400, 1001);
});

test('query parameters out of range are 400: per_page > 100, negative or non-numeric pages, unknown order', async () => {
  for (const query of ['per_page=101', 'per_page=-1', 'page=-1', 'page=abc', 'per_page=1.5', 'order=value', 'direction=sideways']) {
    assertFailure(await cf.call('GET', `${secretsPath(store)}?${query}`), 400, 1001, /invalid_query/);
  }
  assertFailure(await cf.call('GET', `${storesPath()}?order=status`), 400, 1001);
  const zero = await cf.call<WireSecret[]>('GET', `${secretsPath(store)}?page=0&per_page=0`);
  assert.equal(zero.status, 200);
  assert.equal(zero.json.result_info.page, 1);
  assert.equal(zero.json.result_info.per_page, 20);
  const hundred = await cf.call('GET', `${secretsPath(store)}?per_page=100`);
  assert.equal(hundred.status, 200);
});

test('missing, malformed or unknown credentials are 401/10000', async () => {
  assertFailure(await cf.call('GET', storesPath(), { token: null }), 401, 10000);
  assertFailure(await cf.call('GET', storesPath(), { token: 'sst_not_a_real_token' }), 401, 10000);
  assertFailure(await cf.call('GET', storesPath(), { token: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401, 10000);
  assertFailure(await cf.call('GET', storesPath(), { token: null, headers: { 'x-auth-email': 'a@b.c', 'x-auth-key': 'wrong' } }), 401, 10000);
});

test('permissions: a read token cannot write, an account-bound token cannot cross accounts, reveal needs reveal', async () => {
  const reader = await cf.createToken('reader', 'read');
  assert.equal((await cf.call('GET', secretsPath(store), { token: reader })).status, 200);
  assertFailure(await cf.call('POST', secretsPath(store), { token: reader, body: [{ name: 'W', value: 'v', scopes: ['workers'] }] }), 403, 10000);
  assertFailure(await cf.call('DELETE', secretPath, { token: reader }), 403, 10000);
  assertFailure(await cf.call('PATCH', secretPath, { token: reader, body: { comment: 'x' } }), 403, 10000);
  const readerReveal = await cf.reveal(store, secret, reader);
  assertFailure({ ...readerReveal, headers: new Headers({ 'content-type': 'application/json' }), text: '' }, 403, 10000, /reveal/);

  const bound = await cf.createToken('bound', 'read,write,reveal', ['--account', ACCOUNT]);
  assert.equal((await cf.call('GET', storesPath(), { token: bound })).status, 200);
  assertFailure(await cf.call('GET', storesPath('0123456789abcdef0123456789abcdef'), { token: bound }), 403, 10000);
  assertFailure(await cf.call('POST', storesPath('0123456789abcdef0123456789abcdef'), { token: bound, body: { name: 'x' } }), 403, 10000);

  const revealer = await cf.createToken('revealer', 'read,reveal');
  const shown = await cf.reveal(store, secret, revealer);
  assert.equal(shown.status, 200);
  assert.equal(shown.value, STORED);
  const writer = await cf.createToken('writer', 'write');
  assertFailure(await cf.call('GET', secretsPath(store), { token: writer }), 403, 10000);
});

test('a table of bad bodies and queries never yields a 5xx and always a failure envelope', async () => {
  const bodies: unknown[] = ['', 'null', '[]', '{}', '""', '42', 'true', '[null]', '[[]]', '{"name":null}', '{"name":{"$gt":""}}', '[{"name":"A","value":null,"scopes":["workers"]}]', '[{"name":"A","value":1,"scopes":"workers"}]', '{"ids":"abc"}', '{"ids":[1,2]}', '[{"id":5}]', '{"value":["x"]}', '{"scopes":null}', '{"comment":5}', '\u0000', '{"a":'.repeat(2000), '['.repeat(5000), '\ufeff{}'];
  const targets = [
    ['POST', storesPath()],
    ['POST', secretsPath(store)],
    ['DELETE', secretsPath(store)],
    ['PATCH', secretPath],
    ['POST', `${secretPath}/duplicate`],
  ] as const;
  let checked = 0;
  for (const [method, path] of targets) {
    for (const body of bodies) {
      const reply = await cf.call(method, path, { body: body as string });
      assert.ok(reply.status < 500, `${method} ${path} with ${JSON.stringify(body).slice(0, 60)} gave ${reply.status}: ${reply.text}`);
      if (reply.status >= 400) assertFailure(reply, reply.status, reply.json.errors[0]!.code);
      checked++;
    }
  }
  const queries = ['page=1e3', 'per_page=%00', 'scopes=', 'scopes=,,', 'search=%25', 'search=' + 'x'.repeat(5000), 'order=', 'direction=ASC', 'page=99999999999999999999', 'scopes[]=workers', 'force=1', 'search=%E0%A4%A', 'page=%ZZ'];
  for (const query of queries) {
    for (const path of [secretsPath(store), storesPath()]) {
      const reply = await cf.call('GET', `${path}?${query}`);
      assert.ok(reply.status < 500, `GET ${path}?${query.slice(0, 40)} gave ${reply.status}: ${reply.text}`);
      checked++;
    }
  }
  const ids = ['%00', 'x'.repeat(300), '..%2F..', "'or'1'='1", '%E0%A4%A', '%ZZ'];
  for (const id of ids) {
    for (const path of [`${storesPath()}/${id}`, `${secretsPath(store)}/${id}`, `${secretsPath(id)}/${id}/value`]) {
      const reply = await cf.call('GET', path);
      assert.ok(reply.status < 500 && reply.status >= 400, `GET ${path} gave ${reply.status}`);
      checked++;
    }
  }
  assert.equal(checked, bodies.length * targets.length + queries.length * 2 + ids.length * 3);
});

test('no response ever carried the stored value (the reveal route aside)', () => {
  assertNoValueLeaked(cf.rec.bodies, [STORED]);
});

test('a NUL character (U+0000) is refused alike on every backend: lookups find nothing, writes and searches are invalid', async () => {
  // PostgreSQL cannot hold U+0000 in text and the metadata caches use it as a key separator: the engine keeps it out.
  for (const path of [`${storesPath()}/%00`, `${storesPath()}/${store}%00`, `${secretsPath(store)}/${secret}%00`, `${secretsPath(`${store}%00`)}/${secret}`]) {
    assertFailure(await cf.call('GET', path), 404, 1001);
  }
  const before = await secretCount();
  assertFailure(await cf.call('POST', secretsPath(store), { body: [{ name: 'NUL_COMMENT', value: 'v', scopes: ['workers'], comment: 'a\u0000b' }] }), 400, 1001, /U\+0000/);
  assertFailure(await cf.call('PATCH', secretPath, { body: { comment: 'a\u0000b' } }), 400, 1001, /U\+0000/);
  assertFailure(await cf.call('GET', `${secretsPath(store)}?search=%00`), 400, 1001, /U\+0000/);
  assertFailure(await cf.call('DELETE', secretsPath(store), { body: { ids: [`${secret}\u0000`] } }), 404, 1001);
  assert.equal(await secretCount(), before);
  const kept = await cf.call<WireSecret>('GET', secretPath);
  assert.equal(kept.json.result.comment ?? null, existing.json.result[0]!.comment ?? null);
});
