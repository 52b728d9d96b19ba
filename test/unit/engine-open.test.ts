import { localActor } from '../../src/engine/actor.ts';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { SstoreError } from '../../src/errors.ts';
import { hashToken } from '../../src/engine/tokens.ts';
import { openEngine } from '../../src/engine/open.ts';
import { MIGRATIONS } from '../../src/engine/storage/migrations.ts';
import { tempDir } from '../helpers/env.ts';

const ACTOR = localActor();

const keyEnv = () => ({ SSTORE_MASTER_KEY: randomBytes(32).toString('base64'), SSTORE_NO_KEYCHAIN: '1' });
const digest = (dataDir: string) => createHash('sha256').update(readFileSync(join(dataDir, 'sstore.db'))).digest('hex');
const kind = (k: string) => (error: unknown) => error instanceof SstoreError && error.kind === k;

test('a new database is migrated to the newest schema, in WAL mode', async () => {
  const dataDir = tempDir();
  const engine = await openEngine({ target: { kind: 'sqlite', dataDir }, env: keyEnv() });
  await engine.close();
  const db = new DatabaseSync(join(dataDir, 'sstore.db'));
  assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, MIGRATIONS.length);
  assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
  db.close();
});

test('a database from a newer sstore is refused without being touched', async () => {
  const dataDir = tempDir();
  const env = keyEnv();
  await (await openEngine({ target: { kind: 'sqlite', dataDir }, env })).close();
  const db = new DatabaseSync(join(dataDir, 'sstore.db'));
  db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  const before = digest(dataDir);
  await assert.rejects(openEngine({ target: { kind: 'sqlite', dataDir }, env }), /newer than this sstore understands/);
  assert.equal(digest(dataDir), before);
});

test('a wrong key is refused and the file is left as it was', async () => {
  const dataDir = tempDir();
  await (await openEngine({ target: { kind: 'sqlite', dataDir }, env: keyEnv() })).close();
  const before = digest(dataDir);
  await assert.rejects(openEngine({ target: { kind: 'sqlite', dataDir }, env: keyEnv() }), kind('auth'));
  assert.equal(digest(dataDir), before);
});

test('tokens: stored as SHA-256 only; keep and replace on a taken name; revoke by name', async () => {
  const dataDir = tempDir();
  const engine = await openEngine({ target: { kind: 'sqlite', dataDir }, env: keyEnv() });
  const { token, record } = await engine.createToken({ name: 'root', permissions: ['admin'] }, ACTOR);
  assert.match(token, /^sst_[A-Za-z0-9_-]{43}$/);
  assert.equal(await engine.createToken({ name: 'root', permissions: ['admin'], ifNameTaken: 'keep' }, ACTOR), undefined);
  await assert.rejects(engine.createToken({ name: 'root', permissions: ['read'] }, ACTOR), kind('conflict'));
  assert.equal((await engine.authenticate(token))?.id, record.id);
  const replaced = await engine.createToken({ name: 'root', permissions: ['admin'], token: 'chosen-root-token', ifNameTaken: 'replace' }, ACTOR);
  assert.equal(replaced?.token, 'chosen-root-token');
  assert.equal(await engine.authenticate(token), undefined);
  assert.equal((await engine.authenticate('chosen-root-token'))?.name, 'root');
  await engine.close();

  const db = new DatabaseSync(join(dataDir, 'sstore.db'));
  const rows = db.prepare('SELECT hash FROM tokens').all() as { hash: Uint8Array }[];
  db.close();
  assert.deepEqual(rows.map((r) => Buffer.from(r.hash).toString('hex')), [hashToken('chosen-root-token')]);
});

/** A keychain in memory that counts reads; `writable: false` is a headless machine with no Secret Service. */
function countingKeychain(writable: boolean) {
  const entries = new Map<string, string>();
  const keychain = {
    reads: 0,
    async get(account: string) {
      keychain.reads += 1;
      return entries.get(account);
    },
    async set(account: string, secret: string) {
      if (!writable) return false;
      entries.set(account, secret);
      return true;
    },
    async delete(account: string) {
      return entries.delete(account);
    },
  };
  return { keychain, entries };
}

test('a database whose key was made in the key file opens without asking the keychain', async () => {
  const dataDir = tempDir();
  const headless = countingKeychain(false);
  await (await openEngine({ target: { kind: 'sqlite', dataDir }, env: {}, keychain: headless.keychain })).close();
  assert.ok(readFileSync(join(dataDir, 'master.key'), 'utf8').length > 0);

  const later = countingKeychain(true);
  await (await openEngine({ target: { kind: 'sqlite', dataDir }, env: {}, keychain: later.keychain })).close();
  assert.equal(later.keychain.reads, 0, 'the keychain was not asked');
});

test('a database whose key was made in the keychain still finds it there', async () => {
  const dataDir = tempDir();
  const desktop = countingKeychain(true);
  await (await openEngine({ target: { kind: 'sqlite', dataDir }, env: {}, keychain: desktop.keychain })).close();
  const readsBefore = desktop.keychain.reads;
  await (await openEngine({ target: { kind: 'sqlite', dataDir }, env: {}, keychain: desktop.keychain })).close();
  assert.ok(desktop.keychain.reads > readsBefore, 'the keychain was asked');
  assert.equal(desktop.entries.size, 1);
});
