import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sqliteOnly } from '../helpers/backend.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { ROOT_TOKEN, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

const KEYCHAIN = process.env.SSTORE_TEST_KEYCHAIN === '1';
// SQLite only: where a data dir's master key is made (keychain, key file). With --database the key is always
// SSTORE_MASTER_KEY (test/server/postgres-instances.test.ts).
const SQLITE_ONLY = sqliteOnly('where a data dir keeps its master key');

async function roundTrip(env: NodeJS.ProcessEnv, dataDir: string): Promise<{ firstNotice: string; secondStderr: string }> {
  const cf = await startCf({ env, dataDir });
  const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
  const id = (await cf.call<WireSecret[]>('POST', secretsPath(store), { body: [{ name: 'K', value: 'key-source-value', scopes: ['workers'] }] })).json.result[0]!.id;
  assert.equal(await cf.server.stop(), 0);
  const again = await startCf({ env, dataDir });
  assert.equal((await again.reveal(store, id)).value, 'key-source-value');
  assert.equal(await again.server.stop(), 0);
  return { firstNotice: cf.server.stderr(), secondStderr: again.server.stderr() };
}

test('with an OS keychain the master key goes there, and the notice says so once', { skip: SQLITE_ONLY.skip || (KEYCHAIN ? false : 'no keychain: set SSTORE_TEST_KEYCHAIN=1 inside a D-Bus session with gnome-keyring (scripts/test.sh)') }, async () => {
  const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT_TOKEN });
  assert.ok(env.DBUS_SESSION_BUS_ADDRESS, 'SSTORE_TEST_KEYCHAIN=1 but no D-Bus session');
  const dataDir = tempDir();
  const { firstNotice, secondStderr } = await roundTrip(env, dataDir);
  assert.match(firstNotice, /sstore: created a master key in the OS keychain \(sstore\/master-key:.*sstore\.db\)/);
  assert.ok(!existsSync(join(dataDir, 'master.key')), 'a key file was written although the keychain works');
  assert.doesNotMatch(secondStderr, /master key/);
});

test('without a D-Bus session the master key falls back to a 0600 file beside the database', SQLITE_ONLY, async () => {
  const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT_TOKEN });
  delete env.DBUS_SESSION_BUS_ADDRESS;
  const dataDir = tempDir();
  const { firstNotice, secondStderr } = await roundTrip(env, dataDir);
  const file = join(dataDir, 'master.key');
  assert.match(firstNotice, new RegExp(`sstore: no OS keychain available; created a master key in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(mode 0600\\)`));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(dataDir, 'sstore.db')).mode & 0o777, 0o600);
  assert.doesNotMatch(secondStderr, /master key/);
});
