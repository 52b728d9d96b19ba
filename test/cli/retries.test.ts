import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv } from '../helpers/env.ts';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TOKEN = 'tok-for-retry-tests';
const STORE = { id: 'a'.repeat(32), name: 'main', created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z' };

interface Seen {
  method: string;
  url: string;
  at: number;
  auth: string | undefined;
  agent: string | undefined;
}

/** A small, badly behaved Cloudflare: each request takes the next behaviour from a script. */
async function flakyApi(script: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, at: Date.now(), auth: req.headers.authorization, agent: req.headers['user-agent'] });
    req.resume();
    const next = script.shift() ?? ok([]);
    next(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  const env = { ...isolatedEnv(), SSTORE_API_URL: `http://127.0.0.1:${port}/client/v4`, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, SSTORE_API_TOKEN: TOKEN };
  return { seen, env };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const ok = (result: unknown) => json(200, { success: true, errors: [], messages: [], result });
const fail = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  json(status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);
const hang = () => () => undefined;

test('429 with Retry-After: waits as told, then succeeds', async () => {
  const api = await flakyApi([fail(429, 971, 'Please wait', { 'retry-after': '1' }), ok([STORE])]);
  const r = await runCli(['stores', 'list', '--json'], { env: api.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout)[0].name, 'main');
  assert.equal(api.seen.length, 2);
  assert.ok(api.seen[1]!.at - api.seen[0]!.at >= 900, `waited ${api.seen[1]!.at - api.seen[0]!.at} ms for Retry-After: 1`);
  assert.equal(api.seen[0]!.auth, `Bearer ${TOKEN}`);
  assert.match(api.seen[0]!.agent ?? '', /^sstore\/\d/);
});

test('5xx on a GET: retried with growing backoff, then exit 7 with one line', async () => {
  const api = await flakyApi([500, 502, 503, 500].map((s) => fail(s, 1002, 'upstream broke')));
  const r = await runCli(['stores', 'list', '--verbose'], { env: api.env });
  assert.equal(r.code, 7);
  assert.equal(api.seen.length, 4, 'one try and three retries');
  assert.match(r.stderr, /error: the API failed \(HTTP 500\): upstream broke/);
  assert.equal(r.stderr.match(/retrying in/g)?.length, 3);
  assert.doesNotMatch(r.stderr, new RegExp(TOKEN));
  const gaps = api.seen.slice(1).map((s, i) => s.at - api.seen[i]!.at);
  assert.ok(gaps[2]! >= 900, `third backoff is at least 1 s (got ${gaps.join(', ')})`);
});

test('a 500 recovers on retry; a POST that failed with 500 is not sent again', async () => {
  const flaky = await flakyApi([fail(503, 1002, 'busy'), ok([STORE])]);
  assert.equal((await runCli(['stores', 'list', '-q'], { env: flaky.env })).stdout, 'main\n');
  const post = await flakyApi([fail(500, 1002, 'boom')]);
  const r = await runCli(['stores', 'create', 'x'], { env: post.env });
  assert.equal(r.code, 7);
  assert.deepEqual(post.seen.map((s) => s.method), ['POST']);
});

test('a server that never answers: --timeout ends each try, then exit 7', async () => {
  const api = await flakyApi([hang(), hang(), hang(), hang()]);
  const r = await runCli(['--timeout', '0.5', 'quota'], { env: api.env, timeoutMs: 60_000 });
  assert.equal(r.code, 7);
  assert.match(r.stderr, /^error: no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.5 s\nhint: /);
  assert.equal(api.seen.length, 4);
});

test('nothing listening: exit 7, "cannot reach"', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const env = { ...isolatedEnv(), SSTORE_API_URL: `http://127.0.0.1:${port}/client/v4`, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, SSTORE_API_TOKEN: TOKEN };
  const r = await runCli(['quota'], { env, timeoutMs: 60_000 });
  assert.equal(r.code, 7);
  assert.match(r.stderr, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
});

test('Cloudflare errors keep their meaning: 1003 "exceeded" is exit 6, 404 is exit 3, 403 is exit 4', async () => {
  const quota = await flakyApi([fail(400, 1003, 'maximum_stores_exceeded')]);
  const q = await runCli(['stores', 'create', 'two'], { env: quota.env });
  assert.equal(q.code, 6);
  assert.match(q.stderr, /maximum_stores_exceeded/);
  const missing = await flakyApi([fail(404, 7003, 'No route for the URI')]);
  assert.equal((await runCli(['quota'], { env: missing.env })).code, 3);
  const denied = await flakyApi([fail(403, 10000, 'Authentication error')]);
  const d = await runCli(['quota'], { env: denied.env });
  assert.equal(d.code, 4);
  assert.match(d.stderr, /hint: /);
});

test('pagination: all pages, 100 at a time, until a short page', async () => {
  const page = (n: number, count: number) =>
    ok(Array.from({ length: count }, (_, i) => ({ id: `${n}`.padStart(2, '0') + `${i}`.padStart(30, '0'), name: `S_${n}_${i}`, store_id: STORE.id, scopes: ['workers'] })));
  const api = await flakyApi([ok([STORE]), page(1, 100), page(2, 100), page(3, 7)]);
  const r = await runCli(['secrets', 'list', '--json'], { env: api.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).length, 207);
  const lists = api.seen.filter((s) => s.url.includes('/secrets?'));
  assert.deepEqual(lists.map((s) => new URL(s.url, 'http://x').searchParams.get('page')), ['1', '2', '3']);
  assert.ok(lists.every((s) => new URL(s.url, 'http://x').searchParams.get('per_page') === '100'));
});
