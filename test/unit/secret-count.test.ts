import { localActor } from '../../src/engine/actor.ts';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { openEngine } from '../../src/engine/open.ts';
import { MIGRATIONS } from '../../src/engine/storage/migrations.ts';
import { openSqliteStorage } from '../../src/engine/storage/sqlite.ts';
import { tempDir } from '../helpers/env.ts';

const ACTOR = localActor();

const env = { SSTORE_MASTER_KEY: randomBytes(32).toString('base64'), SSTORE_NO_KEYCHAIN: '1' };
const secret = (name: string) => ({ name, value: name, scopes: ['workers'], comment: null });

test('the per-store count behind list totals and quota follows creates, deletes and forced store deletes', async () => {
  const engine = await openEngine({ target: { kind: 'sqlite', dataDir: tempDir() }, env });
  const a = await engine.createStore('cloudflare', 'acct', 'a', null, ACTOR);
  const b = await engine.createStore('cloudflare', 'acct', 'b', null, ACTOR);
  const created = await engine.createSecrets(a, ['A1', 'A2', 'A3', 'A4'].map(secret), ACTOR);
  await engine.createSecrets(b, ['B1', 'B2'].map(secret), ACTOR);
  await engine.deleteSecrets(a, [created[0]!.id, created[1]!.id], ACTOR);
  const page = await engine.listSecrets({ storeId: a.id, order: 'created', direction: 'desc', window: { kind: 'offset', offset: 0, limit: 1 } });
  assert.equal(page.total, 2);
  assert.equal(page.hasMore, true);
  assert.deepEqual(await engine.usage('cloudflare', 'acct'), { usage: 4, quota: 10_000 });
  await engine.deleteStore(a, true, ACTOR);
  assert.deepEqual(await engine.usage('cloudflare', 'acct'), { usage: 2, quota: 10_000 });
  const filtered = await engine.listSecrets({ storeId: b.id, search: 'B2', order: 'name', direction: 'asc', window: { kind: 'all' } });
  assert.equal(filtered.total, 1);
  await engine.close();
});

test('upgrading a version-1 database counts the secrets it already holds', async () => {
  const path = join(tempDir(), 'v1.db');
  const db = new DatabaseSync(path);
  db.exec(MIGRATIONS[0]!);
  db.exec('PRAGMA user_version = 1');
  db.prepare("INSERT INTO stores (id, namespace, account_id, name, created, modified) VALUES ('s1', 'cloudflare', 'acct', 'main', 1, 1)").run();
  const insert = db.prepare(
    "INSERT INTO secrets (id, store_id, namespace, account_id, name, scopes, status, value, created, modified) VALUES (?, 's1', 'cloudflare', 'acct', ?, ',', 'active', x'00', 1, 1)",
  );
  for (let i = 0; i < 3; i++) insert.run(`x${i}`, `N${i}`);
  db.close();

  const storage = await openSqliteStorage(path);
  await storage.migrate();
  assert.equal(await storage.schemaVersion(), MIGRATIONS.length);
  assert.equal(await storage.countSecrets('cloudflare', 'acct'), 3);
  const page = await storage.listSecrets({ storeId: 's1', order: 'name', direction: 'asc', window: { kind: 'offset', offset: 0, limit: 2 } });
  assert.equal(page.total, 3);
  await storage.close();
});
