import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { type ServerProcess, startServer } from '../helpers/server.ts';
import { createToken } from '../helpers/tokens.ts';

const ROOT = 'root-token-for-sgp-tests';
const ACCOUNT = 'acct-sgp-1';
const SECRET_VALUE = 'sk-live-DO-NOT-ECHO-7f3a';
const FIELDS = ['account_id', 'cloud_secret_path', 'created_at', 'created_by', 'description', 'id', 'key', 'object', 'updated_at', 'updated_by'];

interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

interface CloudSecret {
  id: string;
  account_id: string;
  cloud_secret_path: string;
  created_at: string;
  created_by: { id: string; type: string; object: string };
  key: string;
  description?: string;
  object: string;
  updated_at: string;
  updated_by: string;
}

/** Whatever the server may answer: a secret, a page of them, or an error's `detail`. */
type Body = CloudSecret & { detail: string | Issue[]; items: CloudSecret[]; total: number };

interface Reply {
  status: number;
  type: string | null;
  headers: Headers;
  text: string;
  json: Body;
}

// Started at load time, not in a before() hook: the helper's after() must belong to the file, not to the hook.
const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
const dataDir = tempDir();
const server: ServerProcess = await startServer({ env, dataDir });
/** Every body the server sent in this file, to prove no value ever comes back. */
const seen: string[] = [];

async function call(method: string, path: string, options: { key?: string | null; account?: string | null; body?: unknown; raw?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? ROOT : options.key;
  if (key !== null) headers['x-api-key'] = key;
  const account = options.account === undefined ? ACCOUNT : options.account;
  if (account !== null) headers['x-selected-account-id'] = account;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
  const text = await response.text();
  seen.push(text);
  let json = {} as Body;
  try {
    if (text !== '') json = JSON.parse(text) as Body;
  } catch {
    // not JSON: the assertions on `text` and `type` will say so
  }
  return { status: response.status, type: response.headers.get('content-type'), headers: response.headers, text, json };
}

function assertDetailString(reply: Reply, status: number) {
  assert.equal(reply.status, status, reply.text);
  assert.match(reply.type ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(reply.json), ['detail']);
  assert.equal(typeof reply.json.detail, 'string');
  assert.ok((reply.json.detail as string).length > 0);
}

/** FastAPI's 422: `{"detail":[{loc, msg, type}]}`; returns the issue at `loc`. */
function assert422(reply: Reply, loc: (string | number)[]): Issue {
  assert.equal(reply.status, 422, reply.text);
  assert.match(reply.type ?? '', /^application\/json/);
  const detail = reply.json.detail;
  assert.ok(Array.isArray(detail), reply.text);
  for (const issue of detail) {
    assert.ok(Array.isArray(issue.loc) && typeof issue.msg === 'string' && typeof issue.type === 'string', reply.text);
  }
  const issue = detail.find((i) => JSON.stringify(i.loc) === JSON.stringify(loc));
  assert.ok(issue, `no issue at ${JSON.stringify(loc)} in ${reply.text}`);
  return issue;
}

async function create(key: string, extra: Record<string, unknown> = {}, options: { key?: string; account?: string | null } = {}): Promise<CloudSecret> {
  const reply = await call('POST', '/v5/sgp/secrets', { ...options, body: { key, value: SECRET_VALUE, ...extra } });
  assert.equal(reply.status, 200, reply.text);
  return reply.json;
}

describe('SGP create', () => {
  test('answers 200 with the CloudSecret fields (description only when set) and never the value', async () => {
    const secret = await create('openai-api-key', { description: 'for the chat bot' });
    assert.deepEqual(Object.keys(secret).sort(), FIELDS);
    assert.match(secret.id, /^[0-9a-f]{32}$/);
    assert.equal(secret.key, 'openai-api-key');
    assert.equal(secret.account_id, ACCOUNT);
    assert.equal(secret.description, 'for the chat bot');
    assert.equal(secret.object, 'sgp_cloud_secret');
    assert.equal(secret.cloud_secret_path, `sstore/sgp/${ACCOUNT}/openai-api-key`);
    assert.match(secret.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.equal(secret.updated_at, secret.created_at);
    assert.deepEqual(secret.created_by, { id: 'root', type: 'service_account', object: 'identity' });
    assert.equal(secret.updated_by, 'root');
    assert.ok(!JSON.stringify(secret).includes(SECRET_VALUE));
  });

  test('created_by is the service account of the token that made it', async () => {
    const token = await createToken(env, dataDir, { name: 'ci-deployer', permissions: 'read,write', account: ACCOUNT });
    const secret = await create('made-by-ci', {}, { key: token });
    assert.deepEqual(secret.created_by, { id: 'ci-deployer', type: 'service_account', object: 'identity' });
    assert.equal(secret.updated_by, 'ci-deployer');
    // Unset, description is left out (the schema's optional string), never null.
    assert.ok(!('description' in secret), JSON.stringify(secret));
    assert.deepEqual(Object.keys(secret).sort(), FIELDS.filter((f) => f !== 'description'));
  });

  test('a duplicate key is 409 with a detail string and no retry', async () => {
    await create('dup-key');
    const again = await call('POST', '/v5/sgp/secrets', { body: { key: 'dup-key', value: 'other' } });
    assertDetailString(again, 409);
    assert.match(again.json.detail as string, /dup-key/);
    assert.equal(again.headers.get('x-should-retry'), 'false');
  });

  test('key rules: lowercase letters, digits, inner hyphens, 1–90 characters', async () => {
    for (const bad of ['Upper', 'under_score', 'dot.ted', '-lead', 'trail-', 'sp ace', 'é', 'a'.repeat(91)]) {
      const reply = await call('POST', '/v5/sgp/secrets', { body: { key: bad, value: 'v' } });
      const issue = assert422(reply, ['body', 'key']);
      assert.ok(['string_pattern_mismatch', 'string_too_long'].includes(issue.type), reply.text);
    }
    assert.equal(assert422(await call('POST', '/v5/sgp/secrets', { body: { key: '', value: 'v' } }), ['body', 'key']).type, 'string_too_short');
    await create('a');
    await create('a'.repeat(90));
    await create('0-9-z');
  });

  test('missing and wrong fields are all reported in one 422, without echoing the value', async () => {
    const missing = await call('POST', '/v5/sgp/secrets', { body: {} });
    assert.equal(assert422(missing, ['body', 'key']).type, 'missing');
    assert.equal(assert422(missing, ['body', 'value']).type, 'missing');
    const empty = await call('POST', '/v5/sgp/secrets', { body: { key: 'ok-key', value: '' } });
    assert.equal(assert422(empty, ['body', 'value']).type, 'string_too_short');
    const wrong = await call('POST', '/v5/sgp/secrets', { body: { key: 'Bad', value: 42, description: 7 } });
    assert422(wrong, ['body', 'key']);
    assert.equal(assert422(wrong, ['body', 'value']).type, 'string_type');
    assert.equal(assert422(wrong, ['body', 'description']).type, 'string_type');
    const withSecret = await call('POST', '/v5/sgp/secrets', { body: { key: 'BAD KEY', value: SECRET_VALUE } });
    assert.equal(withSecret.status, 422);
  });

  test('bodies that are not a JSON object are 422, never a 500', async () => {
    assert.equal(assert422(await call('POST', '/v5/sgp/secrets', { raw: '{"key": "x", ' }), ['body']).type, 'json_invalid');
    assert.equal(assert422(await call('POST', '/v5/sgp/secrets', { raw: '' }), ['body']).type, 'missing');
    assert.equal(assert422(await call('POST', '/v5/sgp/secrets', { body: [{ key: 'x', value: 'y' }] }), ['body']).type, 'model_attributes_type');
    assert.equal(assert422(await call('POST', '/v5/sgp/secrets', { body: null }), ['body']).type, 'model_attributes_type');
    assert.equal(assert422(await call('POST', '/v5/sgp/secrets', { body: 'text' }), ['body']).type, 'model_attributes_type');
  });

  test('a value that is not valid Unicode is a 422, not a silently altered secret', async () => {
    const reply = await call('POST', '/v5/sgp/secrets', { raw: '{"key":"lone-surrogate","value":"abc\\ud800"}' });
    assert.equal(assert422(reply, ['body', 'value']).type, 'string_unicode');
  });

  test('a value over the size limit is a 422 on body.value', async () => {
    const reply = await call('POST', '/v5/sgp/secrets', { body: { key: 'huge', value: 'x'.repeat(65_537) } });
    assert.equal(assert422(reply, ['body', 'value']).type, 'string_too_long');
  });
});

describe('SGP get, update, delete', () => {
  test('get by id returns the metadata; an unknown id is 404', async () => {
    const made = await create('get-me', { description: 'd' });
    const got = await call('GET', `/v5/sgp/secrets/${made.id}`);
    assert.equal(got.status, 200);
    assert.match(got.type ?? '', /^application\/json/);
    assert.deepEqual(got.json, made);
    assertDetailString(await call('GET', '/v5/sgp/secrets/0123456789abcdef0123456789abcdef'), 404);
    assertDetailString(await call('GET', '/v5/sgp/secrets/not-an-id'), 404);
  });

  test('patch changes the value and description and records who and when', async () => {
    const made = await create('patch-me', { description: 'before' });
    const token = await createToken(env, dataDir, { name: 'rotator', permissions: 'write,read' });
    const patched = await call('PATCH', `/v5/sgp/secrets/${made.id}`, { key: token, body: { value: 'new-value-1', description: 'after' } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.description, 'after');
    assert.equal(patched.json.updated_by, 'rotator');
    assert.deepEqual(patched.json.created_by, made.created_by);
    assert.equal(patched.json.created_at, made.created_at);
    assert.ok(patched.json.updated_at > made.updated_at);
    assert.ok(!patched.text.includes('new-value-1'));

    const cleared = await call('PATCH', `/v5/sgp/secrets/${made.id}`, { body: { description: null } });
    assert.ok(!('description' in cleared.json), cleared.text);
    assert.equal(cleared.json.updated_by, 'root');

    const unchanged = await call('PATCH', `/v5/sgp/secrets/${made.id}`, { body: {} });
    assert.equal(unchanged.status, 200);
    assert.equal(unchanged.json.updated_at, cleared.json.updated_at);

    assert.equal(assert422(await call('PATCH', `/v5/sgp/secrets/${made.id}`, { body: { value: '' } }), ['body', 'value']).type, 'string_too_short');
    assert422(await call('PATCH', `/v5/sgp/secrets/${made.id}`, { raw: 'nope' }), ['body']);
    assertDetailString(await call('PATCH', '/v5/sgp/secrets/0123456789abcdef0123456789abcdef', { body: { value: 'x' } }), 404);
  });

  test('delete answers 204, then the secret is gone and its key is free again', async () => {
    const made = await create('delete-me');
    const deleted = await call('DELETE', `/v5/sgp/secrets/${made.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assertDetailString(await call('GET', `/v5/sgp/secrets/${made.id}`), 404);
    assertDetailString(await call('DELETE', `/v5/sgp/secrets/${made.id}`), 404);
    const again = await create('delete-me');
    assert.notEqual(again.id, made.id);
  });
});

describe('SGP auth and accounts', () => {
  test('no key or a wrong key is 401', async () => {
    assertDetailString(await call('GET', '/v5/sgp/secrets', { key: null }), 401);
    assertDetailString(await call('POST', '/v5/sgp/secrets', { key: null, body: { key: 'x', value: 'y' } }), 401);
    assertDetailString(await call('GET', '/v5/sgp/secrets', { key: 'sst_not-a-real-token' }), 401);
  });

  test('a read-only token reads but cannot write (403)', async () => {
    const made = await create('guarded');
    const reader = await createToken(env, dataDir, { name: 'sgp-reader', permissions: 'read' });
    assert.equal((await call('GET', '/v5/sgp/secrets', { key: reader })).status, 200);
    assert.equal((await call('GET', `/v5/sgp/secrets/${made.id}`, { key: reader })).status, 200);
    assertDetailString(await call('POST', '/v5/sgp/secrets', { key: reader, body: { key: 'nope', value: 'v' } }), 403);
    assertDetailString(await call('PATCH', `/v5/sgp/secrets/${made.id}`, { key: reader, body: { value: 'v' } }), 403);
    assertDetailString(await call('DELETE', `/v5/sgp/secrets/${made.id}`, { key: reader }), 403);
    const writer = await createToken(env, dataDir, { name: 'sgp-writer-only', permissions: 'write' });
    assertDetailString(await call('GET', '/v5/sgp/secrets', { key: writer }), 403);
  });

  test('a token bound to an account uses it by default and may not select another (403)', async () => {
    const bound = await createToken(env, dataDir, { name: 'bound-to-b', permissions: 'read,write', account: 'acct-b' });
    const made = await create('in-b', {}, { key: bound, account: null });
    assert.equal(made.account_id, 'acct-b');
    const listed = await call('GET', '/v5/sgp/secrets', { key: bound, account: null });
    assert.deepEqual(listed.json.items.map((s) => s.key), ['in-b']);
    assertDetailString(await call('GET', '/v5/sgp/secrets', { key: bound, account: ACCOUNT }), 403);
    assertDetailString(await call('GET', `/v5/sgp/secrets/${made.id}`, { key: bound, account: ACCOUNT }), 403);
    assert.equal((await call('GET', '/v5/sgp/secrets', { key: bound, account: 'acct-b' })).status, 200);
  });

  test('an unbound token must select an account; a malformed account id is 422', async () => {
    assert.equal(assert422(await call('GET', '/v5/sgp/secrets', { account: null }), ['header', 'x-selected-account-id']).type, 'missing');
    assert422(await call('GET', '/v5/sgp/secrets', { account: 'bad account!' }), ['header', 'x-selected-account-id']);
  });
});

describe('SGP routing', () => {
  test('a wrong method is 405 and an unknown path under /v5 is 404, both as {"detail": ...}', async () => {
    const put = await call('PUT', '/v5/sgp/secrets', { body: {} });
    assertDetailString(put, 405);
    assert.equal(put.headers.get('allow'), 'GET, POST');
    assertDetailString(await call('POST', '/v5/sgp/secrets/0123456789abcdef0123456789abcdef', { body: {} }), 405);
    const unknown = await call('GET', '/v5/sgp/nothing-here');
    assertDetailString(unknown, 404);
    assert.equal(unknown.json.detail, 'Not Found');
  });
});

test('no response of this file ever carried a secret value', () => {
  assert.ok(seen.length > 30);
  for (const body of seen) {
    assert.ok(!body.includes(SECRET_VALUE), body);
    assert.ok(!body.includes('new-value-1'), body);
  }
});
