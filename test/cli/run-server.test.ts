import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';
import { createToken } from '../helpers/tokens.ts';

// run and export against a real `sstore server`: values come through the bulk reveal extension, 100 per request,
// and only to a token with the `reveal` permission.
const ROOT = 'root-token-for-run-server-tests';
const ACCOUNT = '0123456789abcdef0123456789abcdef';

test('run and export over HTTP with a reveal token; the bulk value route batches by 100; read-only tokens are refused', async () => {
  const dataDir = tempDir();
  const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
  const server = await startServer({ env: serverEnv, dataDir });
  const env = isolatedEnv({ SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: ROOT });
  assert.equal((await runCli(['stores', 'create', 'ci'], { env })).code, 0);
  const secrets = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`K${String(i).padStart(3, '0')}`, `value ${i} "q" $x`]));
  const file = join(dataDir, 'seed.json');
  writeFileSync(file, JSON.stringify(secrets));
  assert.equal((await runCli(['import', file], { env })).code, 0);

  const verbose = await runCli(['--verbose', 'run', '--', 'sh', '-c', 'printf %s "$K149"'], { env });
  assert.equal(verbose.code, 0, verbose.stderr);
  assert.equal(verbose.stdout, secrets.K149);
  assert.equal((verbose.stderr.match(/\/secrets\/values\?ids=/g) ?? []).length, 2, '150 values in two requests');
  assert.ok(!verbose.stderr.includes('value 1'), 'the request log holds no value');
  const exported = await runCli(['export', '--format', 'json'], { env });
  assert.deepEqual(JSON.parse(exported.stdout), secrets);

  const readOnly = await createToken(serverEnv, dataDir, { name: 'ro', permissions: 'read' });
  const refused = await runCli(['run', '--', 'true'], { env: { ...env, CLOUDFLARE_API_TOKEN: readOnly } });
  assert.equal(refused.code, 4, refused.stderr);

  // The route itself.
  const list = await fetch(`${server.api}/accounts/${ACCOUNT}/secrets_store/stores`, { headers: { authorization: `Bearer ${ROOT}` } });
  const storeId = ((await list.json()) as { result: Array<{ id: string }> }).result[0]!.id;
  const base = `${server.api}/accounts/${ACCOUNT}/secrets_store/stores/${storeId}/secrets`;
  const ids = ((await (await fetch(`${base}?per_page=100`, { headers: { authorization: `Bearer ${ROOT}` } })).json()) as { result: Array<{ id: string; name: string }> }).result;
  const get = (query: string, token = ROOT) => fetch(`${base}/values?${query}`, { headers: { authorization: `Bearer ${token}` } });
  const two = await get(`ids=${ids[1]!.id},${ids[0]!.id},${ids[1]!.id}`);
  assert.equal(two.status, 200);
  assert.equal(two.headers.get('cache-control'), 'no-store');
  assert.deepEqual(((await two.json()) as { result: unknown[] }).result, [
    { id: ids[1]!.id, name: ids[1]!.name, value: secrets[ids[1]!.name] },
    { id: ids[0]!.id, name: ids[0]!.name, value: secrets[ids[0]!.name] },
  ]);
  assert.equal((await get(`ids=${ids[0]!.id},${'f'.repeat(32)}`)).status, 404);
  assert.equal((await get('ids=')).status, 400);
  assert.equal((await get(`ids=${Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(32, '0')).join(',')}`)).status, 400);
  assert.equal((await get(`ids=${ids[0]!.id}`, readOnly)).status, 403);
});
