import assert from 'node:assert/strict';
import { test } from 'node:test';
import Cloudflare from 'cloudflare';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { ACCOUNT, OTHER_ACCOUNT, assertFailure, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

const secret = (name: string) => ({ name, value: `v-${name}`, scopes: ['workers'] });

test('the default limits are generous: quota 10,000 and many stores per account', async () => {
  const cf = await startCf();
  const quota = await cf.sdk().secretsStore.quota.get({ account_id: ACCOUNT });
  assert.deepEqual(quota, { secrets: { quota: 10_000, usage: 0 } });
  for (let i = 0; i < 5; i++) assert.equal((await cf.call('POST', storesPath(), { body: { name: `s${i}` } })).status, 200);
});

test('--limits cloudflare mimics the live service: one store per account, quota 100', async () => {
  const cf = await startCf({ args: ['--limits', 'cloudflare'] });
  const sdk = cf.sdk();
  const store = await sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'default_secrets_store' });
  const second = await cf.call('POST', storesPath(), { body: { name: 'another' } });
  assertFailure(second, 400, 1003, /maximum_stores_exceeded/);
  await assert.rejects(sdk.secretsStore.stores.create({ account_id: ACCOUNT, name: 'another' }), Cloudflare.BadRequestError);
  // The limit is per account.
  assert.equal((await cf.call('POST', storesPath(OTHER_ACCOUNT), { body: { name: 'other' } })).status, 200);

  const ninety = Array.from({ length: 90 }, (_, i) => secret(`S${i}`));
  assert.equal((await cf.call('POST', secretsPath(store.id), { body: ninety })).status, 200);
  const over = await cf.call('POST', secretsPath(store.id), { body: Array.from({ length: 11 }, (_, i) => secret(`T${i}`)) });
  assertFailure(over, 400, 1003, /quota_exceeded/);
  assert.deepEqual(await sdk.secretsStore.quota.get({ account_id: ACCOUNT }), { secrets: { quota: 100, usage: 90 } });
  assert.equal((await cf.call('POST', secretsPath(store.id), { body: Array.from({ length: 10 }, (_, i) => secret(`T${i}`)) })).status, 200);
  assert.deepEqual(await sdk.secretsStore.quota.get({ account_id: ACCOUNT }), { secrets: { quota: 100, usage: 100 } });
  const first = (await cf.call<WireSecret[]>('GET', `${secretsPath(store.id)}?per_page=1`)).json.result[0]!.id;
  assertFailure(await cf.call('POST', `${secretsPath(store.id)}/${first}/duplicate`, { body: { name: 'DUP', scopes: ['workers'] } }), 400, 1003, /quota/);
});

test('each limit is settable on its own: --quota, --max-stores, --max-value-bytes, --max-body-bytes', async () => {
  const cf = await startCf({ args: ['--limits', 'cloudflare', '--quota', '3', '--max-stores', '2', '--max-value-bytes', '10', '--max-body-bytes', '2048'] });
  assert.deepEqual(await cf.sdk().secretsStore.quota.get({ account_id: ACCOUNT }), { secrets: { quota: 3, usage: 0 } });
  const a = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'a' } })).json.result.id;
  assert.equal((await cf.call('POST', storesPath(), { body: { name: 'b' } })).status, 200);
  assertFailure(await cf.call('POST', storesPath(), { body: { name: 'c' } }), 400, 1003, /maximum_stores_exceeded/);
  assert.equal((await cf.call('POST', secretsPath(a), { body: [{ name: 'TEN', value: '0123456789', scopes: ['workers'] }] })).status, 200);
  assertFailure(await cf.call('POST', secretsPath(a), { body: [{ name: 'ELEVEN', value: '0123456789a', scopes: ['workers'] }] }), 400, 1001, /11 bytes; the limit is 10/);
  const big = await cf.call('POST', secretsPath(a), { body: [{ name: 'X', value: 'x', scopes: ['workers'], comment: 'c'.repeat(3000) }] });
  assertFailure(big, 413, 1001, /larger than 2048 bytes/);
  assert.equal((await cf.call('POST', secretsPath(a), { body: [secret('TWO'), secret('THREE')] })).status, 200);
  assertFailure(await cf.call('POST', secretsPath(a), { body: [secret('FOUR')] }), 400, 1003, /quota_exceeded/);
});

test('bad limit flags are usage errors (exit 2) with one line', async () => {
  const env = isolatedEnv();
  for (const args of [['--limits', 'huge'], ['--quota', '-1'], ['--max-value-bytes', 'lots'], ['--port', '70000']]) {
    const result = await runCli(['server', 'start', '--data', tempDir(), ...args], { env });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  }
});
