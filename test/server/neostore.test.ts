import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';
import { createToken } from '../helpers/tokens.ts';

const ROOT = 'root-token-for-neostore-tests';
const TENANT = 'tenant-one';

const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
const dataDir = tempDir();
const server = await startServer({ env, dataDir });

interface Reply {
  status: number;
  type: string | null;
  headers: Headers;
  text: string;
}

type Auth = { apiKey: string } | { bearer: string } | null;

async function call(
  method: string,
  path: string,
  options: { auth?: Auth; accept?: string; body?: unknown; raw?: string; contentType?: string | null } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? { apiKey: ROOT } : options.auth;
  if (auth && 'apiKey' in auth) headers['X-API-KEY'] = auth.apiKey;
  if (auth && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
  if (options.accept !== undefined) headers.accept = options.accept;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
  return { status: response.status, type: response.headers.get('content-type'), headers: response.headers, text: await response.text() };
}

const secretPath = (key: string, tenant = TENANT) => `/api/${tenant}/secrets/${encodeURIComponent(key)}`;

async function put(key: string, body: unknown, auth?: Auth, tenant = TENANT) {
  const reply = await call('PUT', secretPath(key, tenant), { body, ...(auth !== undefined && { auth }) });
  assert.equal(reply.status, 204, reply.text);
  assert.equal(reply.text, '');
}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: Record<string, string[]>;
  traceId: string;
}

/** RFC 9457 ProblemDetails as application/problem+json; returns the parsed body. */
function assertProblem(reply: Reply, status: number): ProblemBody {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.type, 'application/problem+json');
  const body = JSON.parse(reply.text) as ProblemBody;
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.match(body.type, /^https:\/\/tools\.ietf\.org\/html\/rfc9110#section-/);
  return body;
}

/** HttpValidationProblemDetails: a 400 with an `errors` map of field → messages. */
function assertValidation(reply: Reply, field: string): string[] {
  const body = assertProblem(reply, 400);
  assert.equal(body.title, 'One or more validation errors occurred.');
  const messages = body.errors?.[field];
  assert.ok(Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'string'), reply.text);
  return messages;
}

describe('Neostore values', () => {
  test('PUT answers 204; GET returns the raw value as text/plain by default', async () => {
    await put('api-key', { value: 'plain-secret-1' });
    const got = await call('GET', secretPath('api-key'));
    assert.equal(got.status, 200);
    assert.equal(got.type, 'text/plain; charset=utf-8');
    assert.equal(got.text, 'plain-secret-1');
    assert.equal(got.headers.get('cache-control'), 'no-store');
  });

  test('Accept picks text/plain (raw), application/json or text/json (a quoted JSON string)', async () => {
    const value = 'line one\nline "two" \\ é ☃ 🎉';
    await put('Tricky-Value', { value });
    const plain = await call('GET', secretPath('Tricky-Value'), { accept: 'text/plain' });
    assert.equal(plain.type, 'text/plain; charset=utf-8');
    assert.equal(plain.text, value);
    const json = await call('GET', secretPath('Tricky-Value'), { accept: 'application/json' });
    assert.equal(json.type, 'application/json; charset=utf-8');
    assert.equal(json.text, JSON.stringify(value));
    assert.equal(JSON.parse(json.text), value);
    const textJson = await call('GET', secretPath('Tricky-Value'), { accept: 'text/json' });
    assert.equal(textJson.type, 'text/json; charset=utf-8');
    assert.equal(JSON.parse(textJson.text), value);
    const weighted = await call('GET', secretPath('Tricky-Value'), { accept: 'application/json;q=0.5, text/json;q=0.9, text/plain;q=0.1' });
    assert.equal(weighted.type, 'text/json; charset=utf-8');
    for (const accept of ['*/*', 'application/xml', 'text/*']) {
      const reply = await call('GET', secretPath('Tricky-Value'), { accept });
      assert.equal(reply.type, 'text/plain; charset=utf-8', accept);
      assert.equal(reply.text, value);
    }
    assert.equal((await call('GET', secretPath('Tricky-Value'), { accept: 'application/*' })).type, 'application/json; charset=utf-8');
  });

  test('PUT replaces the value; keys are case-sensitive', async () => {
    await put('MyKey', { value: 'upper' });
    await put('mykey', { value: 'lower' });
    assert.equal((await call('GET', secretPath('MyKey'))).text, 'upper');
    assert.equal((await call('GET', secretPath('mykey'))).text, 'lower');
    await put('MyKey', { value: 'upper-2' });
    assert.equal((await call('GET', secretPath('MyKey'))).text, 'upper-2');
    assert.equal((await call('GET', secretPath('MYKEY'))).status, 404);
  });

  test('request bodies in text/json and application/*+json are accepted; others are 415', async () => {
    assert.equal((await call('PUT', secretPath('ct-1'), { body: { value: 'a' }, contentType: 'text/json' })).status, 204);
    assert.equal((await call('PUT', secretPath('ct-2'), { body: { value: 'b' }, contentType: 'application/vnd.neo+json; charset=utf-8' })).status, 204);
    assertProblem(await call('PUT', secretPath('ct-3'), { body: { value: 'c' }, contentType: 'text/plain' }), 415);
    assertProblem(await call('PUT', secretPath('ct-3'), { body: { value: 'c' }, contentType: null }), 415);
    assert.equal((await call('GET', secretPath('ct-3'))).status, 404);
  });

  test('a missing key is 404 ProblemDetails', async () => {
    const body = assertProblem(await call('GET', secretPath('never-written')), 404);
    assert.equal(body.title, 'Not Found');
    assert.equal(body.instance, secretPath('never-written'));
  });
});

describe('Neostore list and delete', () => {
  test('GET /secrets lists keys only, sorted, as JSON', async () => {
    const tenant = 'list-tenant';
    for (const key of ['b-key', 'A-key', 'a-key', 'c1']) await put(key, { value: `value-of-${key}` }, undefined, tenant);
    const reply = await call('GET', `/api/${tenant}/secrets`);
    assert.equal(reply.status, 200);
    assert.equal(reply.type, 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(reply.text), ['A-key', 'a-key', 'b-key', 'c1']);
    assert.ok(!reply.text.includes('value-of-'));
    assert.equal((await call('GET', `/api/${tenant}/secrets`, { accept: 'text/json' })).type, 'text/json; charset=utf-8');
    // A list has no text/plain form: JSON it is.
    assert.equal((await call('GET', `/api/${tenant}/secrets`, { accept: 'text/plain' })).type, 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse((await call('GET', '/api/empty-tenant/secrets')).text), []);
  });

  test('DELETE answers 204; then GET and a second DELETE are 404', async () => {
    await put('to-delete', { value: 'x' });
    const deleted = await call('DELETE', secretPath('to-delete'));
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assertProblem(await call('GET', secretPath('to-delete')), 404);
    assertProblem(await call('DELETE', secretPath('to-delete')), 404);
    assert.ok(!(JSON.parse((await call('GET', `/api/${TENANT}/secrets`)).text) as string[]).includes('to-delete'));
  });
});

describe('Neostore validation', () => {
  test('keys other than letters, digits and hyphens are 400 on PUT, GET and DELETE', async () => {
    for (const bad of ['under_score', 'dot.ted', 'sp ace', 'é', 'a'.repeat(256)]) {
      assertValidation(await call('PUT', secretPath(bad), { body: { value: 'v' } }), 'key');
      assertValidation(await call('GET', secretPath(bad)), 'key');
      assertValidation(await call('DELETE', secretPath(bad)), 'key');
    }
    await put('-leading-and-trailing-', { value: 'ok' });
    await put('a'.repeat(255), { value: 'ok' });
  });

  test('bad SetRequest bodies are HttpValidationProblemDetails, never a 500', async () => {
    assertValidation(await call('PUT', secretPath('k1'), { body: {} }), 'value');
    assertValidation(await call('PUT', secretPath('k1'), { body: { value: 12 } }), 'value');
    assertValidation(await call('PUT', secretPath('k1'), { body: { value: '' } }), 'value');
    assert.match(assertValidation(await call('PUT', secretPath('k1'), { body: { value: 'v', comment: 'x' } }), 'comment')[0]!, /Unknown field/);
    assertValidation(await call('PUT', secretPath('k1'), { body: { value: 'v', options: 5 } }), 'options');
    assertValidation(await call('PUT', secretPath('k1'), { body: { value: 'v', options: { expiresOn: 'next tuesday' } } }), 'options.expiresOn');
    assertValidation(await call('PUT', secretPath('k1'), { body: { value: 'v', options: { notBefore: '2025-02-30T00:00:00Z' } } }), 'options.notBefore');
    assertValidation(await call('PUT', secretPath('k1'), { body: { value: 'v', options: { ttl: 5 } } }), 'options.ttl');
    assertValidation(
      await call('PUT', secretPath('k1'), { body: { value: 'v', options: { notBefore: '2030-01-02T00:00:00Z', expiresOn: '2030-01-01T00:00:00Z' } } }),
      'options',
    );
    assertValidation(await call('PUT', secretPath('k1'), { raw: '{"value": "secret-in-broken-json' }), '$');
    assertValidation(await call('PUT', secretPath('k1'), { raw: '' }), '');
    assertValidation(await call('PUT', secretPath('k1'), { body: ['v'] }), '$');
    assertValidation(await call('PUT', secretPath('k1'), { body: { value: 'x'.repeat(65_537) } }), 'value');
    // A lone surrogate cannot be kept as UTF-8; storing U+FFFD instead would silently change the value.
    assertValidation(await call('PUT', secretPath('k1'), { raw: '{"value":"abc\\ud800"}' }), 'value');
    assert.equal((await call('GET', secretPath('k1'))).status, 404);
  });

  test('options may be null or hold nulls: a permanent secret', async () => {
    await put('null-options', { value: 'v1', options: null });
    await put('null-dates', { value: 'v2', options: { expiresOn: null, notBefore: null } });
    assert.equal((await call('GET', secretPath('null-options'))).text, 'v1');
    assert.equal((await call('GET', secretPath('null-dates'))).text, 'v2');
  });

  test(".NET's DateTime.MinValue and MaxValue work as 'no limit'", async () => {
    await put('dotnet-edges', { value: 'forever', options: { notBefore: '0001-01-01T00:00:00Z', expiresOn: '9999-12-31T23:59:59.9999999Z' } });
    assert.equal((await call('GET', secretPath('dotnet-edges'))).text, 'forever');
  });

  test('a malformed tenant id is 400 on the tenantId field', async () => {
    assertValidation(await call('GET', '/api/bad%20tenant/secrets'), 'tenantId');
  });
});

describe('Neostore auth', () => {
  test('no credentials or a wrong key is 401 ProblemDetails with WWW-Authenticate', async () => {
    const none = await call('GET', `/api/${TENANT}/secrets`, { auth: null });
    assertProblem(none, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assertProblem(await call('GET', secretPath('api-key'), { auth: { apiKey: 'sst_wrong' } }), 401);
    assertProblem(await call('PUT', secretPath('api-key'), { auth: { bearer: 'sst_wrong' }, body: { value: 'x' } }), 401);
  });

  test('X-API-KEY and Authorization: Bearer both work', async () => {
    await put('both-ways', { value: 'v' }, { bearer: ROOT });
    assert.equal((await call('GET', secretPath('both-ways'), { auth: { apiKey: ROOT } })).text, 'v');
    assert.equal((await call('GET', secretPath('both-ways'), { auth: { bearer: ROOT } })).text, 'v');
  });

  test('Secret.Read reads values and lists; writing needs Secret.Write (else 401)', async () => {
    await put('scoped', { value: 'scoped-value' });
    const reader = { apiKey: await createToken(env, dataDir, { name: 'neo-reader', permissions: 'Secret.Read' }) };
    assert.equal((await call('GET', secretPath('scoped'), { auth: reader })).text, 'scoped-value');
    assert.equal((await call('GET', `/api/${TENANT}/secrets`, { auth: reader })).status, 200);
    const refused = await call('PUT', secretPath('scoped'), { auth: reader, body: { value: 'overwritten' } });
    assert.match(assertProblem(refused, 401).detail ?? '', /Secret\.Write/);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer error="insufficient_scope"');
    assertProblem(await call('DELETE', secretPath('scoped'), { auth: reader }), 401);
    assert.equal((await call('GET', secretPath('scoped'))).text, 'scoped-value');

    const writer = { bearer: await createToken(env, dataDir, { name: 'neo-writer', permissions: 'Secret.Write' }) };
    await put('scoped', { value: 'by-writer' }, writer);
    assert.match(assertProblem(await call('GET', secretPath('scoped'), { auth: writer }), 401).detail ?? '', /Secret\.Read/);
    assert.equal((await call('DELETE', secretPath('scoped'), { auth: writer })).status, 204);
  });

  test('a token bound to a tenant cannot touch another tenant (401)', async () => {
    const bound = { apiKey: await createToken(env, dataDir, { name: 'neo-bound', permissions: 'Secret.Read,Secret.Write', account: 'tenant-b' }) };
    await put('mine', { value: 'b-value' }, bound, 'tenant-b');
    assert.equal((await call('GET', secretPath('mine', 'tenant-b'), { auth: bound })).text, 'b-value');
    assert.match(assertProblem(await call('GET', secretPath('api-key'), { auth: bound }), 401).detail ?? '', /tenant/);
    assertProblem(await call('PUT', secretPath('mine'), { auth: bound, body: { value: 'x' } }), 401);
    assertProblem(await call('GET', `/api/${TENANT}/secrets`, { auth: bound }), 401);
  });
});

describe('Neostore routing', () => {
  test('a wrong method is 405 and an unknown path under /api is 404, both ProblemDetails', async () => {
    const post = await call('POST', `/api/${TENANT}/secrets`, { body: { value: 'x' } });
    assertProblem(post, 405);
    assert.equal(post.headers.get('allow'), 'GET');
    assert.equal(assertProblem(await call('PATCH', secretPath('api-key'), { body: { value: 'x' } }), 405).title, 'Method Not Allowed');
    assertProblem(await call('GET', `/api/${TENANT}/nothing`), 404);
  });
});
