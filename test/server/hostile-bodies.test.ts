/**
 * Issue 12, items 2 and 9, on all three dialects: JSON keys named like Object.prototype members are ordinary unknown
 * fields (a 400/422, never a 500), and a value is stored exactly or refused: a lone surrogate escape or invalid UTF-8
 * bytes get the dialect's validation error, while valid Unicode round-trips byte for byte.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const ROOT = 'root-token-for-hostile-bodies';
const ACCOUNT = '985e105f4ecef8ad9ca31a8372d0c353';
const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });

type Dialect = 'cloudflare' | 'sgp' | 'neostore';

async function send(dialect: Dialect, method: string, path: string, body?: string | Uint8Array): Promise<{ status: number; text: string; type: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (dialect === 'cloudflare') headers.authorization = `Bearer ${ROOT}`;
  else headers['x-api-key'] = ROOT;
  if (dialect === 'sgp') headers['x-selected-account-id'] = 'acct-1';
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') ?? '' };
}

const storeResponse = await send('cloudflare', 'POST', `/client/v4/accounts/${ACCOUNT}/secrets_store/stores`, '{"name":"main"}');
const store = (JSON.parse(storeResponse.text) as { result: { id: string } }).result.id;
const cfSecrets = `/client/v4/accounts/${ACCOUNT}/secrets_store/stores/${store}/secrets`;
const created = await send('cloudflare', 'POST', cfSecrets, JSON.stringify([{ name: 'EXISTING', value: 'v', scopes: ['workers'] }]));
const cfSecret = `${cfSecrets}/${(JSON.parse(created.text) as { result: { id: string }[] }).result[0]!.id}`;
const sgpCreated = await send('sgp', 'POST', '/v5/sgp/secrets', '{"key":"existing","value":"v"}');
const sgpSecret = `/v5/sgp/secrets/${(JSON.parse(sgpCreated.text) as { id: string }).id}`;

/** Every route with a JSON body, and a valid body for it that a test may add one field to. */
const ROUTES: { dialect: Dialect; method: string; path: string; body: Record<string, unknown> | Record<string, unknown>[]; error: number }[] = [
  { dialect: 'cloudflare', method: 'POST', path: `/client/v4/accounts/${ACCOUNT}/secrets_store/stores`, body: { name: 'other' }, error: 400 },
  { dialect: 'cloudflare', method: 'POST', path: cfSecrets, body: [{ name: 'NEW', value: 'v', scopes: ['workers'] }], error: 400 },
  { dialect: 'cloudflare', method: 'PATCH', path: cfSecret, body: { value: 'v' }, error: 400 },
  { dialect: 'cloudflare', method: 'POST', path: `${cfSecret}/duplicate`, body: { name: 'COPY', scopes: ['workers'] }, error: 400 },
  { dialect: 'cloudflare', method: 'DELETE', path: cfSecrets, body: { ids: ['0'.repeat(32)] }, error: 400 },
  { dialect: 'sgp', method: 'POST', path: '/v5/sgp/secrets', body: { key: 'new', value: 'v' }, error: 422 },
  { dialect: 'sgp', method: 'PATCH', path: sgpSecret, body: { value: 'v' }, error: 422 },
  { dialect: 'neostore', method: 'PUT', path: '/api/tenant-1/secrets/k', body: { value: 'v' }, error: 400 },
];

function assertEnvelope(dialect: Dialect, reply: { status: number; text: string; type: string }): void {
  const body = JSON.parse(reply.text) as Record<string, unknown>;
  if (dialect === 'cloudflare') assert.equal(body.success, false, reply.text);
  if (dialect === 'sgp') assert.ok(Array.isArray(body.detail) || typeof body.detail === 'string', reply.text);
  if (dialect === 'neostore') {
    assert.equal(reply.type, 'application/problem+json');
    assert.equal(typeof body.errors, 'object', reply.text);
  }
}

test('keys named like Object.prototype members are unknown fields: the dialect error or ignored, never a 500', async () => {
  for (const route of ROUTES) {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', 'prototype']) {
      const body = JSON.stringify(route.body).replace(/^(\[?)\{/, `$1{"${key}":1,`);
      const reply = await send(route.dialect, route.method, route.path, body);
      assert.ok(reply.status < 500, `${route.method} ${route.path} with "${key}": ${reply.status} ${reply.text}`);
      if (route.dialect === 'neostore') {
        // SetRequest has additionalProperties: false: an unknown field is refused and named.
        assert.equal(reply.status, 400, reply.text);
        assert.ok(key in (JSON.parse(reply.text) as { errors: object }).errors, reply.text);
      }
      if (reply.status >= 400) assertEnvelope(route.dialect, reply);
    }
  }
  // A query parameter named like one is an unknown value too.
  const sorted = await send('sgp', 'GET', '/v5/sgp/secrets?sort_by=constructor');
  assert.equal(sorted.status, 422, sorted.text);
});

test('a lone surrogate or invalid UTF-8 anywhere in a body is refused with the dialect error, and nothing is stored', async () => {
  const bad: [string, (valid: string) => string | Uint8Array][] = [
    ['lone high surrogate', (valid) => valid.replace('"v"', '"a\\ud800b"')],
    ['lone low surrogate', (valid) => valid.replace('"v"', '"\\udc00"')],
    ['byte 0xFF', (valid) => Buffer.concat(valid.split('"v"').flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from('"a'), Buffer.of(0xff), Buffer.from(`b"${part}`)])))],
    ['overlong C0 AF', (valid) => Buffer.concat(valid.split('"v"').flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from('"a'), Buffer.of(0xc0, 0xaf), Buffer.from(`b"${part}`)])))],
  ];
  const names = async () => (JSON.parse((await send('cloudflare', 'GET', cfSecrets)).text) as { result: { name: string }[] }).result.map((s) => s.name);
  const before = await names();
  for (const route of ROUTES.filter((r) => JSON.stringify(r.body).includes('"v"'))) {
    for (const [what, corrupt] of bad) {
      const reply = await send(route.dialect, route.method, route.path, corrupt(JSON.stringify(route.body)));
      assert.equal(reply.status, route.error, `${what} to ${route.method} ${route.path}: ${reply.text}`);
      assertEnvelope(route.dialect, reply);
    }
  }
  // Nothing was created by any of them.
  assert.deepEqual(await names(), before);
  assert.equal((await send('neostore', 'GET', '/api/tenant-1/secrets/k')).status, 404);
  // A surrogate in a name or a comment is refused as well: it would be stored altered too.
  const comment = await send('cloudflare', 'POST', cfSecrets, '[{"name":"C","value":"v","scopes":["workers"],"comment":"\\ud800"}]');
  assert.equal(comment.status, 400, comment.text);
  assert.match(comment.text, /invalid_unicode: 0\.comment/);
});

test('valid Unicode, astral characters included, comes back byte for byte', async () => {
  const value = 'pässwörd-🔑-\u{10FFFF}-\uFEFF-ok';
  const reply = await send('cloudflare', 'PATCH', cfSecret, JSON.stringify({ value }));
  assert.equal(reply.status, 200, reply.text);
  const revealed = await send('cloudflare', 'GET', `${cfSecret}/value`);
  assert.equal((JSON.parse(revealed.text) as { result: { value: string } }).result.value, value);
  assert.equal((await send('neostore', 'PUT', '/api/tenant-1/secrets/exact', JSON.stringify({ value }))).status, 204);
  const read = await fetch(`${server.url}/api/tenant-1/secrets/exact`, { headers: { 'x-api-key': ROOT, accept: 'text/plain' } });
  assert.deepEqual(Buffer.from(await read.arrayBuffer()), Buffer.from(value, 'utf8'));
});
