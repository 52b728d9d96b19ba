import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

/** 250 secrets through SGP's cursor pages: the CLI follows has_more / starting_after to the end, in both orders. */

const ROOT = 'root-token-for-sgp-cli-paging';
const ACCOUNT = 'paging-cli';
const COUNT = 250;

const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });
const env = { ...isolatedEnv(), SGP_API_KEY: ROOT, SGP_ACCOUNT_ID: ACCOUNT, SSTORE_API_URL: server.url };
const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });

const keys: string[] = [];
// Set-up over raw HTTP, one after another so that creation order is key order.
for (let i = 0; i < COUNT; i++) {
  const key = `key-${String(i).padStart(3, '0')}`;
  const response = await fetch(`${server.url}/v5/sgp/secrets`, {
    method: 'POST',
    headers: { 'x-api-key': ROOT, 'x-selected-account-id': ACCOUNT, 'content-type': 'application/json' },
    body: JSON.stringify({ key, value: `value-${i}`, ...(i % 50 === 0 && { description: `milestone ${i}` }) }),
  });
  assert.equal(response.status, 200);
  keys.push(key);
}

const listRequests = (stderr: string) => stderr.split('\n').filter((l) => /^sstore: GET http:\/\/127\.0\.0\.1:\d+\/v5\/sgp\/secrets\?/.test(l));

test('list returns all 250 in three pages of 100, following has_more with starting_after = the last id', async () => {
  const r = await run(['secrets', 'list', '-q', '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean), keys);
  const pages = listRequests(r.stderr);
  assert.equal(pages.length, 3, r.stderr);
  assert.doesNotMatch(pages[0]!, /starting_after/);
  const ids = JSON.parse((await run(['secrets', 'list', '--json'])).stdout) as { id: string; key: string }[];
  assert.match(pages[1]!, new RegExp(`starting_after=${ids[99]!.id}`));
  assert.match(pages[2]!, new RegExp(`starting_after=${ids[199]!.id}`));
  for (const page of pages) assert.match(page, /limit=100&sort_by=key&sort_order=asc/);
});

test('--json holds the 250 CloudSecrets, each once, metadata only', async () => {
  const r = await run(['secrets', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const items = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.equal(items.length, COUNT);
  assert.equal(new Set(items.map((s) => s.id)).size, COUNT);
  assert.deepEqual(items.map((s) => s.key), keys);
  for (const item of items) {
    assert.equal(item.object, 'sgp_cloud_secret');
    assert.equal('value' in item, false);
  }
});

test('both directions: key desc, created asc and desc, each across every page', async () => {
  const desc = await run(['secrets', 'list', '-q', '--direction', 'desc']);
  assert.deepEqual(desc.stdout.split('\n').filter(Boolean), [...keys].reverse());
  const created = await run(['secrets', 'list', '-q', '--order', 'created', '--verbose']);
  assert.deepEqual(created.stdout.split('\n').filter(Boolean), keys);
  assert.equal(listRequests(created.stderr).length, 3);
  const newest = await run(['secrets', 'list', '-q', '--order', 'created', '--direction', 'desc']);
  assert.deepEqual(newest.stdout.split('\n').filter(Boolean), [...keys].reverse());
});

test('search, put, get and rm find keys on the last page; quota is the total', async () => {
  const search = await run(['secrets', 'list', '--search', 'milestone', '-q']);
  assert.deepEqual(search.stdout.split('\n').filter(Boolean), ['key-000', 'key-050', 'key-100', 'key-150', 'key-200']);
  const update = await run(['secrets', 'put', 'key-249', '--comment', 'last one'], 'new value');
  assert.equal(update.code, 0, update.stderr);
  assert.match(update.stderr, /updated secret key-249/, 'found by key on page 3, not created twice');
  assert.equal(JSON.parse((await run(['secrets', 'get', 'key-249', '--json'])).stdout).description, 'last one');
  assert.deepEqual(JSON.parse((await run(['quota', '--json'])).stdout), { secrets: { usage: COUNT, quota: null } });
  const rm = await run(['secrets', 'rm', 'key-248', 'key-001', '--yes']);
  assert.equal(rm.code, 0, rm.stderr);
  const after = (await run(['secrets', 'list', '-q'])).stdout.split('\n').filter(Boolean);
  assert.equal(after.length, COUNT - 2);
  assert.deepEqual(after, keys.filter((k) => k !== 'key-248' && k !== 'key-001'));
  assert.match((await run(['quota'])).stdout, /^secrets +248 used/m);
});
