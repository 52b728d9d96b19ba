import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { sqliteOnly } from '../helpers/backend.ts';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { ROOT_TOKEN, assertFailure, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

test('stores, secrets, values and tokens survive a restart', async () => {
  const cf = await startCf();
  const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'kept' } })).json.result.id;
  const made = await cf.call<WireSecret[]>('POST', secretsPath(store), { body: [{ name: 'KEPT', value: 'kept-value', scopes: ['workers', 'dex'], comment: 'c' }] });
  const id = made.json.result[0]!.id;
  const reader = await cf.createToken('reader', 'read');
  assert.equal(await cf.server.stop(), 0);

  const again = await startCf({ env: cf.env, dataDir: cf.dataDir });
  const got = await again.call<WireSecret>('GET', `${secretsPath(store)}/${id}`, { token: reader });
  assert.equal(got.status, 200);
  assert.deepEqual(got.json.result, made.json.result[0]);
  assert.equal((await again.reveal(store, id)).value, 'kept-value');
  assert.equal(await again.server.stop(), 0);
});

// SQLite only (like the two tests after it): it edits sstore.db directly.
test('a tampered or moved ciphertext is a clean error for that secret; the server keeps serving the others', sqliteOnly('edits sstore.db directly'), async () => {
  const cf = await startCf();
  const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
  const made = await cf.call<WireSecret[]>('POST', secretsPath(store), {
    body: ['GOOD', 'FLIPPED', 'MOVED'].map((name) => ({ name, value: `value-of-${name}`, scopes: ['workers'] })),
  });
  const [good, flipped, moved] = made.json.result.map((s) => s.id);

  // Edit the database under the running server, as an attacker with the file (but not the key) could.
  const db = new DatabaseSync(join(cf.dataDir, 'sstore.db'));
  const blob = (id: string) => Buffer.from((db.prepare('SELECT value FROM secrets WHERE id = ?').get(id) as { value: Uint8Array }).value);
  const edited = blob(flipped!);
  edited[edited.length - 1]! ^= 0x01;
  db.prepare('UPDATE secrets SET value = ? WHERE id = ?').run(edited, flipped!);
  db.prepare('UPDATE secrets SET value = ? WHERE id = ?').run(blob(good!), moved!);
  db.close();

  for (const id of [flipped!, moved!]) {
    const reply = await cf.reveal(store, id);
    assert.equal(reply.status, 500);
    assert.equal(reply.json.success, false);
    assert.equal(reply.json.result, null);
    assert.match(reply.json.errors[0]!.message, /decrypt_failed: stored value failed authentication/);
    const dup = await cf.call('POST', `${secretsPath(store)}/${id}/duplicate`, { body: { name: `COPY_${id.slice(0, 6)}`, scopes: ['workers'] } });
    assertFailure(dup, 500, 1002, /decrypt_failed/);
  }
  assert.equal((await cf.reveal(store, good!)).value, 'value-of-GOOD');
  const list = await cf.call<WireSecret[]>('GET', secretsPath(store));
  assert.equal(list.json.result.length, 3);
  // The tampered secret can be repaired by writing a new value.
  assert.equal((await cf.call('PATCH', `${secretsPath(store)}/${flipped}`, { body: { value: 'repaired' } })).status, 200);
  assert.equal((await cf.reveal(store, flipped!)).value, 'repaired');
  assert.match(cf.server.stderr(), /internal error: stored value failed authentication/);
  assert.doesNotMatch(cf.server.stderr(), /value-of-/);
  assert.equal(await cf.server.stop(), 0);
});

// On PostgreSQL, test/server/postgres-instances.test.ts starts an instance with another key.
test('a wrong master key: server start fails with one line and exit 4, and the database is byte-identical', sqliteOnly('compares sstore.db byte for byte; the key comes from the data dir'), async () => {
  const key = randomBytes(32).toString('base64');
  const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT_TOKEN, SSTORE_MASTER_KEY: key });
  const cf = await startCf({ env });
  assert.match(cf.server.stderr(), /encrypted with the master key in SSTORE_MASTER_KEY/);
  const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
  await cf.call('POST', secretsPath(store), { body: [{ name: 'S', value: 'v', scopes: ['workers'] }] });
  assert.equal(await cf.server.stop(), 0);
  const dbFile = join(cf.dataDir, 'sstore.db');
  const before = sha256(dbFile);

  for (const wrong of [randomBytes(32).toString('base64'), 'too-short']) {
    const result = await runCli(['server', 'start', '--port', '0', '--data', cf.dataDir], { env: { ...env, SSTORE_MASTER_KEY: wrong } });
    assert.notEqual(result.code, 0);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    assert.equal(errors.length, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.doesNotMatch(result.stdout, /listening/);
    assert.equal(sha256(dbFile), before);
  }
  const mismatch = await runCli(['server', 'start', '--port', '0', '--data', cf.dataDir], { env: { ...env, SSTORE_MASTER_KEY: randomBytes(32).toString('base64') } });
  assert.equal(mismatch.code, 4);
  assert.match(mismatch.stderr, /^error: the master key from SSTORE_MASTER_KEY does not open /);
  const tokenCmd = await runCli(['server', 'token', 'list', '--data', cf.dataDir], { env: { ...env, SSTORE_MASTER_KEY: randomBytes(32).toString('base64') } });
  assert.equal(tokenCmd.code, 4);
  assert.equal(sha256(dbFile), before);

  const right = await startCf({ env, dataDir: cf.dataDir });
  assert.equal((await right.call<WireSecret[]>('GET', secretsPath(store))).json.result.length, 1);
  assert.equal(await right.server.stop(), 0);
});

test('a missing key file is a clear error: no new key is made over the old data', sqliteOnly('removes master.key from the data dir'), async () => {
  const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT_TOKEN, SSTORE_NO_KEYCHAIN: '1' });
  const dataDir = tempDir();
  const cf = await startCf({ env, dataDir });
  assert.equal(await cf.server.stop(), 0);
  const keyFile = join(dataDir, 'master.key');
  assert.ok(existsSync(keyFile));
  rmSync(keyFile);
  const before = sha256(join(dataDir, 'sstore.db'));
  const result = await runCli(['server', 'start', '--port', '0', '--data', dataDir], { env });
  assert.equal(result.code, 4);
  assert.match(result.stderr, /^error: no master key found for .*sstore\.db \(it was kept in: the master\.key file beside the database\)/);
  assert.ok(!existsSync(keyFile));
  assert.equal(sha256(join(dataDir, 'sstore.db')), before);
});
