import assert from 'node:assert/strict';
import { test } from 'node:test';
import Cloudflare from 'cloudflare';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const ACCOUNT = '985e105f4ecef8ad9ca31a8372d0c353';

test('the official SDK creates a store and a secret on a real server over HTTP', async () => {
  const env = isolatedEnv({ SSTORE_ROOT_TOKEN: 'root-token-for-tests' });
  const server = await startServer({ env, dataDir: tempDir() });
  const cf = new Cloudflare({ apiToken: 'root-token-for-tests', baseURL: server.api, maxRetries: 0 });
  const store = await cf.secretsStore.stores.create({ account_id: ACCOUNT, name: 'main' });
  assert.match(store.id, /^[0-9a-f]{32}$/);
  const page = await cf.secretsStore.stores.secrets.create(store.id, {
    account_id: ACCOUNT,
    body: [{ name: 'API_KEY', value: 's3cret', scopes: ['workers'] }],
  });
  assert.equal(page.result[0]?.name, 'API_KEY');
  assert.ok(!JSON.stringify(page.result).includes('s3cret'));
  assert.equal(await server.stop(), 0);
});
