import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storageFor } from '../helpers/backend.ts';
import { runCli } from '../helpers/cli.ts';
import { assertFailure, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

// Two servers on one data dir (on PostgreSQL: one database): what one process commits, the other answers from its very
// next request, even for stores and secrets it has just served (and may hold in its metadata cache).
const first = await startCf();
const second = await startCf({ dataDir: first.dataDir, env: first.env });

test('a secret patched or deleted by another process, and a store it deleted, count on the next request', async () => {
  const store = (await first.call<WireStore>('POST', storesPath(), { body: { name: 'shared' } })).json.result.id;
  const created = await first.call<WireSecret[]>('POST', secretsPath(store), {
    body: [
      { name: 'A', value: 'value-a', scopes: ['workers'] },
      { name: 'B', value: 'value-b', scopes: ['workers'] },
    ],
  });
  assert.equal(created.status, 200, created.text);
  const [a, b] = created.json.result.map((s) => s.id);
  for (let i = 0; i < 2; i++) {
    assert.equal((await first.call<WireSecret>('GET', `${secretsPath(store)}/${a}`)).json.result.comment, '');
    assert.equal((await first.call('GET', `${secretsPath(store)}/${b}`)).status, 200);
  }

  const patched = await second.call('PATCH', `${secretsPath(store)}/${a}`, { body: { comment: 'from the other process', scopes: ['dex'] } });
  assert.equal(patched.status, 200, patched.text);
  const seen = await first.call<WireSecret>('GET', `${secretsPath(store)}/${a}`);
  assert.equal(seen.json.result.comment, 'from the other process');
  assert.deepEqual(seen.json.result.scopes, ['dex']);

  assert.equal((await second.call('DELETE', `${secretsPath(store)}/${b}`)).status, 202);
  assertFailure(await first.call('GET', `${secretsPath(store)}/${b}`), 404, 1001, /^secret_not_found:/);

  assert.equal((await second.call('DELETE', `${storesPath()}/${store}?force=true`)).status, 200);
  assertFailure(await first.call('GET', `${storesPath()}/${store}`), 404, 1001, /^store_not_found:/);
  assertFailure(await first.call('GET', `${secretsPath(store)}/${a}`), 404, 1001, /^store_not_found:/);
});

test('a token revoked through the CLI is refused by a server that has just accepted it', async () => {
  const token = await first.createToken('short_lived', 'read');
  for (let i = 0; i < 3; i++) assert.equal((await first.call('GET', storesPath(), { token })).status, 200);
  const storage = await storageFor(first.dataDir, first.env);
  const revoked = await runCli(['server', 'token', 'revoke', 'short_lived', ...storage.args], { env: storage.env });
  assert.equal(revoked.code, 0, revoked.stderr);
  assertFailure(await first.call('GET', storesPath(), { token }), 401, 10000);
  assertFailure(await second.call('GET', storesPath(), { token }), 401, 10000);
});
