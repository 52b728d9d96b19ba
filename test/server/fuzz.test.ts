/**
 * Issue 12, item 11: a bounded, seeded property-based fuzz of every route of the three dialects (fast-check). Random
 * methods, path parameters, queries, credentials, content types and bodies (JSON built from each route's field names,
 * Object.prototype names, any JSON, raw bytes). For every request: never a 5xx, never a value in a response other
 * than a route that reveals values by design, and every answer matches the dialect's spec or error envelope (the
 * contract check that wraps fetch, test/helpers/contract.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { contractChecks, startServer } from '../helpers/server.ts';
import { createToken } from '../helpers/tokens.ts';

const ROOT = 'root-token-for-the-fuzz';
const ACCOUNT = '985e105f4ecef8ad9ca31a8372d0c353';
/** Every value the fuzz stores starts with this, so a leak is found whatever the value. */
const MARK = 'v4lu3-';
const SEED = 20261125;
const RUNS = Number(process.env.SSTORE_FUZZ_RUNS ?? 1000);

const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
const dataDir = tempDir();
const server = await startServer({ env, dataDir });
const reader = await createToken(env, dataDir, { name: 'reader', permissions: 'read' });

async function send(method: string, path: string, headers: Record<string, string>, body?: string | Uint8Array) {
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

const json = { 'content-type': 'application/json' };
const cf = { ...json, authorization: `Bearer ${ROOT}` };
const store = (JSON.parse((await send('POST', `/client/v4/accounts/${ACCOUNT}/secrets_store/stores`, cf, '{"name":"main"}')).text) as { result: { id: string } }).result.id;
const cfSecrets = `/client/v4/accounts/${ACCOUNT}/secrets_store/stores/${store}/secrets`;
// Store deletes get a store of their own: deleting the main one would turn every later request into a 404.
const doomed = (JSON.parse((await send('POST', `/client/v4/accounts/${ACCOUNT}/secrets_store/stores`, cf, '{"name":"doomed"}')).text) as { result: { id: string } }).result.id;
const made = await send('POST', cfSecrets, cf, JSON.stringify([{ name: 'KNOWN', value: `${MARK}cf`, scopes: ['workers'] }]));
const secret = (JSON.parse(made.text) as { result: { id: string }[] }).result[0]!.id;
const sgp = { ...json, 'x-api-key': ROOT, 'x-selected-account-id': 'acct-1' };
const sgpSecret = (JSON.parse((await send('POST', '/v5/sgp/secrets', sgp, JSON.stringify({ key: 'known', value: `${MARK}sgp` }))).text) as { id: string }).id;
assert.equal((await send('PUT', '/api/tenant-1/secrets/known', { ...json, 'x-api-key': ROOT }, JSON.stringify({ value: `${MARK}neo` }))).status, 204);

type Dialect = 'cloudflare' | 'sgp' | 'neostore';
interface Route {
  dialect: Dialect;
  methods: string[];
  /** `{}` marks a path parameter. */
  path: string;
  /** A real value for each `{}`, which the fuzz mostly keeps, so that requests get past routing to the bodies. */
  real: string[];
  fields: string[];
  query: string[];
}

const CF_BASE = `/client/v4/accounts/{}/secrets_store`;
const SYS_BASE = `/client/v4/system/accounts/{}`;
const ROUTES: Route[] = [
  { dialect: 'cloudflare', methods: ['GET'], path: `${CF_BASE}/quota`, real: [ACCOUNT], fields: [], query: [] },
  { dialect: 'cloudflare', methods: ['GET'], path: '/client/v4/user/tokens/verify', real: [], fields: [], query: [] },
  ...[CF_BASE, SYS_BASE].flatMap((base): Route[] => [
    { dialect: 'cloudflare', methods: ['GET', 'POST'], path: `${base}/stores`, real: [ACCOUNT], fields: ['name', 'account_id'], query: ['page', 'per_page', 'order', 'direction'] },
    { dialect: 'cloudflare', methods: ['GET', 'DELETE'], path: `${base}/stores/{}`, real: [ACCOUNT, doomed], fields: [], query: ['force'] },
    { dialect: 'cloudflare', methods: ['GET', 'POST', 'DELETE'], path: `${base}/stores/{}/secrets`, real: [ACCOUNT, store], fields: ['name', 'value', 'scopes', 'comment', 'ids', 'id'], query: ['page', 'per_page', 'order', 'direction', 'search', 'scopes'] },
    { dialect: 'cloudflare', methods: ['GET', 'PATCH', 'DELETE'], path: `${base}/stores/{}/secrets/{}`, real: [ACCOUNT, store, secret], fields: ['value', 'scopes', 'comment'], query: ['ids'] },
    { dialect: 'cloudflare', methods: ['POST'], path: `${base}/stores/{}/secrets/{}/duplicate`, real: [ACCOUNT, store, secret], fields: ['name', 'scopes', 'comment'], query: [] },
  ]),
  { dialect: 'cloudflare', methods: ['GET'], path: `${CF_BASE}/stores/{}/secrets/{}/value`, real: [ACCOUNT, store, secret], fields: [], query: [] },
  { dialect: 'cloudflare', methods: ['GET'], path: `${CF_BASE}/stores/{}/secrets/{}/versions`, real: [ACCOUNT, store, secret], fields: [], query: [] },
  { dialect: 'cloudflare', methods: ['GET'], path: `${CF_BASE}/stores/{}/secrets/{}/versions/{}/value`, real: [ACCOUNT, store, secret, '1'], fields: [], query: [] },
  { dialect: 'cloudflare', methods: ['POST'], path: `${CF_BASE}/stores/{}/secrets/{}/rollback`, real: [ACCOUNT, store, secret], fields: ['version'], query: [] },
  { dialect: 'cloudflare', methods: ['GET'], path: '/client/v4/sstore/audit', real: [], fields: [], query: ['since', 'actor', 'action', 'store', 'secret', 'after', 'limit'] },
  { dialect: 'sgp', methods: ['GET', 'POST', 'PUT'], path: '/v5/sgp/secrets', real: [], fields: ['key', 'value', 'description'], query: ['limit', 'sort_by', 'sort_order', 'starting_after', 'ending_before'] },
  { dialect: 'sgp', methods: ['GET', 'PATCH', 'DELETE', 'POST'], path: '/v5/sgp/secrets/{}', real: [sgpSecret], fields: ['value', 'description'], query: [] },
  { dialect: 'neostore', methods: ['GET', 'POST'], path: '/api/{}/secrets', real: ['tenant-1'], fields: [], query: [] },
  { dialect: 'neostore', methods: ['GET', 'PUT', 'DELETE', 'PATCH'], path: '/api/{}/secrets/{}', real: ['tenant-1', 'known'], fields: ['value', 'options', 'expiresOn', 'notBefore'], query: [] },
  { dialect: 'cloudflare', methods: ['GET', 'PUT'], path: '/client/v4/{}', real: ['accounts'], fields: [], query: [] },
];

/** Percent-encodes every UTF-8 byte (a lone surrogate becomes U+FFFD's bytes; encodeURIComponent would throw). */
const encode = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const segment = fc.oneof(
  fc.constantFrom(ACCOUNT, store, secret, sgpSecret, 'known', 'tenant-1', 'acct-1', 'values', 'value', '0'.repeat(32)),
  fc.constantFrom(...PROTO, '..', '.', '%00', '%ZZ', 'a%2Fb', '🔑', 'x'.repeat(300)),
  fc.string({ minLength: 1, maxLength: 40 }).map(encode),
);
/** Mostly the route's real parameter, so that most requests get past routing and authorization to the bodies. */
const param = (real: string) => fc.oneof({ arbitrary: fc.constant(real), weight: 4 }, { arbitrary: segment, weight: 1 });
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...PROTO, '', '\ud800', 'a\udc00b', '9999-12-31T23:59:59.9999999Z', '2025-02-30'));
const fieldValue = (field: string) =>
  field === 'value'
    ? fc.oneof(text.map((t) => `${MARK}${t}`), fc.integer(), fc.constant(null), fc.array(text.map((t) => `${MARK}${t}`), { maxLength: 2 }))
    : fc.oneof(text, fc.integer(), fc.constant(null), fc.boolean(), fc.array(text, { maxLength: 3 }), fc.dictionary(fc.constantFrom('expiresOn', 'notBefore', ...PROTO), text));

function bodyFor(route: Route) {
  const keys = fc.constantFrom(...route.fields, ...PROTO, 'name', 'value', 'extra');
  const object = fc.array(fc.tuple(keys, fc.constant(null)), { maxLength: 5 }).chain((pairs) =>
    fc.tuple(...pairs.map(([key]) => fieldValue(key).map((v) => [key, v] as const))).map((entries) => JSON.stringify(Object.fromEntries(entries))),
  );
  // Mostly objects of the route's own fields: the shapes that reach validation and the engine.
  return fc.oneof(
    { arbitrary: object, weight: 6 },
    { arbitrary: object.map((o) => `[${o}]`), weight: 2 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 1 },
    { arbitrary: fc.string({ maxLength: 50 }), weight: 1 },
    { arbitrary: fc.uint8Array({ maxLength: 50 }).map((bytes) => Buffer.from(bytes).toString('latin1')), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

const anyAuth = fc.constantFrom<Record<string, string>>(
  { authorization: `Bearer ${reader}`, 'x-selected-account-id': 'bad account!' },
  { authorization: 'Bearer not-a-token' },
  { authorization: 'Basic abc' },
  { 'x-auth-key': ROOT },
  { 'x-api-key': ROOT },
  {},
);
/** Mostly the credentials the route's dialect takes, so that requests get past authentication. */
const auth = (dialect: Dialect) =>
  fc.oneof(
    {
      arbitrary: fc.constant<Record<string, string>>(
        dialect === 'cloudflare' ? { authorization: `Bearer ${ROOT}` } : { 'x-api-key': ROOT, 'x-selected-account-id': 'acct-1' },
      ),
      weight: 4,
    },
    { arbitrary: anyAuth, weight: 1 },
  );
const contentType = fc.constantFrom<Record<string, string>>(
  { 'content-type': 'application/json' },
  { 'content-type': 'application/json' },
  { 'content-type': 'application/json; charset=utf-8' },
  { 'content-type': 'text/plain' },
  { 'content-type': 'application/vnd.x+json' },
  {},
);

const request = fc.constantFrom(...ROUTES).chain((route) =>
  fc.record({
    route: fc.constant(route),
    method: fc.oneof({ arbitrary: fc.constantFrom(...route.methods), weight: 6 }, { arbitrary: fc.constantFrom('PATCH', 'OPTIONS', 'PUT'), weight: 1 }),
    params: fc.tuple(...route.real.map(param)),
    query: fc.array(fc.tuple(fc.constantFrom(...route.query, ...PROTO, 'page'), text), { maxLength: 3 }),
    auth: auth(route.dialect),
    contentType,
    accept: fc.constantFrom('', 'text/plain', 'application/json', '*/*', 'text/json;q=0.5, application/xml'),
    body: bodyFor(route),
  }),
);

/** Routes whose 200 carries a value by design: Cloudflare's reveal extensions (an earlier version's too) and Neostore's GET. */
function revealsByDesign(dialect: Dialect, method: string, path: string): boolean {
  if (method !== 'GET') return false;
  if (dialect === 'neostore') return /^\/api\/[^/]+\/secrets\/[^/]+$/.test(path);
  return /\/secrets\/(values|[^/]+\/value|[^/]+\/versions\/[^/]+\/value)$/.test(path);
}

function assertEnvelope(dialect: Dialect, reply: { status: number; type: string; text: string }): void {
  if (dialect === 'neostore') return assert.equal(reply.type, 'application/problem+json', reply.text);
  assert.match(reply.type, /^application\/json/, reply.text);
  const body = JSON.parse(reply.text) as Record<string, unknown>;
  if (dialect === 'cloudflare') assert.ok(body.success === false && Array.isArray(body.errors) && body.errors.length > 0, reply.text);
  else assert.ok(typeof body.detail === 'string' || Array.isArray(body.detail), reply.text);
}

test(`fuzz: ${RUNS} random requests over every route: never a 5xx, never a value, always the dialect's envelope`, { timeout: 300_000 }, async () => {
  let sent = 0;
  const statuses = new Map<number, number>();
  const checkedBefore = contractChecks.count;
  await fc.assert(
    fc.asyncProperty(request, async ({ route, method, params, query, auth: credentials, contentType: type, accept, body }) => {
      let i = 0;
      const path = route.path.replace(/\{\}/g, () => params[i++]!);
      const search = query.length > 0 ? `?${query.map(([k, v]) => `${k}=${encode(v)}`).join('&')}` : '';
      const headers = { ...credentials, ...type, ...(accept && { accept }) };
      const withBody = body !== undefined && method !== 'GET' && method !== 'OPTIONS';
      const reply = await send(method, `${path}${search}`, headers, withBody ? Buffer.from(body, body.startsWith('{') || body.startsWith('[') ? 'utf8' : 'latin1') : undefined);
      sent++;
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      assert.ok(reply.status < 500, `${method} ${path}${search} → ${reply.status} ${reply.text.slice(0, 200)}`);
      // The path as sent: fetch resolves `.` and `..` segments.
      const requestPath = new URL(`${server.url}${path}`).pathname;
      const dialect: Dialect = /^\/v5(\/|$)/.test(requestPath) ? 'sgp' : /^\/api(\/|$)/.test(requestPath) ? 'neostore' : 'cloudflare';
      if (!(reply.status === 200 && revealsByDesign(dialect, method, requestPath))) {
        assert.ok(!reply.text.includes(MARK), `a value came back from ${method} ${path}: ${reply.text.slice(0, 200)}`);
      }
      if (reply.status >= 400 && method !== 'HEAD') assertEnvelope(dialect, reply);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  assert.equal(sent, RUNS);
  assert.equal(contractChecks.count - checkedBefore, RUNS, 'every fuzzed response went through the contract check');
  assert.ok(!statuses.has(500));
  process.stderr.write(`fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
});
