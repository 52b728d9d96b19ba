import { localActor } from '../../src/engine/actor.ts';
/**
 * Issue 12, item 10: a data dir tampered with or left behind by a killed process, on real SQLite files. A database
 * with values but no key check refuses every key; a stale init.lock is recovered and explained; swapped names do not
 * swap values; a refused open writes nothing, not even the WAL checkpoint.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { SstoreError } from '../../src/errors.ts';
import { openEngine } from '../../src/engine/open.ts';
import { tempDir } from '../helpers/env.ts';

const ACTOR = localActor();

const keyEnv = () => ({ SSTORE_MASTER_KEY: randomBytes(32).toString('base64'), SSTORE_NO_KEYCHAIN: '1' });
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const reason = (r: string) => (error: unknown) => error instanceof SstoreError && error.reason === r;

async function storeWithSecrets(dataDir: string, env: NodeJS.ProcessEnv) {
  const engine = await openEngine({ target: { kind: 'sqlite', dataDir }, env });
  const store = await engine.createStore('cloudflare', 'acc', 'main', null, ACTOR);
  const [a, b] = await engine.createSecrets(store, [
    { name: 'API_KEY', value: 'value-of-api-key', scopes: ['workers'], comment: null },
    { name: 'DB_PASSWORD', value: 'value-of-db-password', scopes: ['workers'], comment: null },
  ], ACTOR);
  return { engine, store, a: a!, b: b! };
}

test('without its key-check row, a database holding values refuses every key and is left as it was', async () => {
  const dataDir = tempDir();
  const env = keyEnv();
  await (await storeWithSecrets(dataDir, env)).engine.close();
  const db = new DatabaseSync(join(dataDir, 'sstore.db'));
  db.exec("DELETE FROM meta WHERE key = 'key_check'");
  db.close();
  const before = digest(join(dataDir, 'sstore.db'));
  await assert.rejects(openEngine({ target: { kind: 'sqlite', dataDir }, env: keyEnv() }), reason('key_check_missing'));
  await assert.rejects(openEngine({ target: { kind: 'sqlite', dataDir }, env }), reason('key_check_missing'));
  assert.equal(digest(join(dataDir, 'sstore.db')), before, 'no new key check was written');
});

test('swapping two rows’ names does not swap their values: both fail to decrypt', async () => {
  const dataDir = tempDir();
  const env = keyEnv();
  const { engine, store, a, b } = await storeWithSecrets(dataDir, env);
  assert.equal((await engine.revealSecret(store, a.id, ACTOR)).toString(), 'value-of-api-key');
  await engine.close();
  const db = new DatabaseSync(join(dataDir, 'sstore.db'));
  db.exec(`UPDATE secrets SET name = 'tmp' WHERE id = '${a.id}'`);
  db.exec(`UPDATE secrets SET name = 'API_KEY' WHERE id = '${b.id}'`);
  db.exec(`UPDATE secrets SET name = 'DB_PASSWORD' WHERE id = '${a.id}'`);
  db.close();
  const reopened = await openEngine({ target: { kind: 'sqlite', dataDir }, env });
  await assert.rejects(reopened.revealSecret(store, a.id, ACTOR), reason('decrypt_failed'));
  await assert.rejects(reopened.revealSecret(store, b.id, ACTOR), reason('decrypt_failed'));
  await reopened.close();
});

test('a refused open does not checkpoint a stale WAL into the database', async () => {
  const dataDir = tempDir();
  const crashed = tempDir();
  const env = keyEnv();
  const { engine } = await storeWithSecrets(dataDir, env);
  // A copy taken while the writer is open is what a killed process leaves: committed frames still in the WAL.
  for (const suffix of ['', '-wal']) copyFileSync(join(dataDir, `sstore.db${suffix}`), join(crashed, `sstore.db${suffix}`));
  await engine.close();
  const before = { db: digest(join(crashed, 'sstore.db')), wal: digest(join(crashed, 'sstore.db-wal')) };
  await assert.rejects(openEngine({ target: { kind: 'sqlite', dataDir: crashed }, env: keyEnv() }), reason('master_key_mismatch'));
  assert.equal(digest(join(crashed, 'sstore.db')), before.db);
  assert.equal(digest(join(crashed, 'sstore.db-wal')), before.wal);
  // The right key still opens it, with the values the WAL held.
  const opened = await openEngine({ target: { kind: 'sqlite', dataDir: crashed }, env });
  const [store] = (await opened.listStores({ namespace: 'cloudflare', accountId: 'acc', order: 'name', direction: 'asc', window: { kind: 'all' } })).items;
  assert.equal((await opened.listSecrets({ storeId: store!.id, order: 'name', direction: 'asc', window: { kind: 'all' } })).total, 2);
  await opened.close();
});

test('an init.lock left by a killed process is removed at once, and the user is told', async () => {
  const dataDir = tempDir();
  const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
  writeFileSync(join(dataDir, 'init.lock'), `${gone}@${hostname()}`);
  const told: string[] = [];
  const engine = await openEngine({ target: { kind: 'sqlite', dataDir }, env: keyEnv(), onWait: (line) => told.push(line) });
  await engine.close();
  assert.equal(told.length, 1, told.join('\n'));
  assert.match(told[0]!, new RegExp(`removed a stale .*init\\.lock \\(sstore process ${gone}, which is gone\\)`));
  assert.equal(existsSync(join(dataDir, 'init.lock')), false);
});

test('while a live process holds init.lock, opening says what it waits for, then goes on when it is released', async () => {
  const dataDir = tempDir();
  const lock = join(dataDir, 'init.lock');
  writeFileSync(lock, `${process.pid}@${hostname()}`);
  const told: string[] = [];
  const engine = await openEngine({
    target: { kind: 'sqlite', dataDir },
    env: keyEnv(),
    onWait: (line) => {
      told.push(line);
      rmSync(lock); // the holder finishes (without a key check: the waiter makes one)
    },
  });
  await engine.close();
  assert.match(told[0]!, new RegExp(`waiting for sstore process ${process.pid} to finish creating the master key`));
});
