import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContractBackend } from './kit.ts';
import { audit, plain, rejectsWith, scopeOf, sealed, secret, secretNames, seed, store, withDatabase } from './kit.ts';

// Every mutation is all or nothing, names are unique where they must be, and each failure has the kind and reason
// storage.ts names.

export function mutations(backend: ContractBackend): void {
  test(`${backend.name}: a fresh database is migrated, empty, and reachable`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const version = await s.schemaVersion();
      assert.ok(version > 0);
      await s.migrate(); // again: nothing to do
      assert.equal(await s.schemaVersion(), version);
      assert.equal(await s.isEmpty(), true);
      assert.equal(await s.hasSecrets(), false);
      assert.equal(await s.isReachable(), true);
      assert.equal(typeof s.location, 'string');
    }));

  test(`${backend.name}: meta is not content; a token, a store, a secret are`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      assert.equal(await s.getMeta('k'), undefined);
      await s.setMeta('k', new Uint8Array([1, 2, 3]));
      await s.setMeta('k', new Uint8Array([4, 5]));
      assert.deepEqual([...(await s.getMeta('k'))!], [4, 5]);
      assert.equal(await s.isEmpty(), true);
      const claimed = await s.claimMeta('k', new Uint8Array([9]));
      assert.deepEqual([...claimed], [4, 5], 'claimMeta keeps what is there');
      assert.deepEqual([...(await s.claimMeta('new', new Uint8Array([7])))], [7]);

      const other = await db.connect();
      await other.insertToken({ id: 't1', name: 'ci', permissions: ['read'], account: null, service: null, created: 1 }, 'ab'.repeat(32), 'fail', audit('token.create'));
      assert.equal(await s.isEmpty(), false, 'a token');
      await other.deleteToken('ci', audit('token.revoke'));
      assert.equal(await s.isEmpty(), true);
      const st = store({ name: 'main' });
      await s.insertStore(st, 10, audit('store.create'));
      assert.equal(await s.isEmpty(), false, 'a store');
      assert.equal(await s.hasSecrets(), false);
      await s.insertSecrets([{ record: secret(st, { name: 'A' }), sealed: sealed('A') }], scopeOf(st), 10, [audit('secret.create')]);
      assert.equal(await s.hasSecrets(), true);
    }));

  test(`${backend.name}: stores: read back as written, scoped to their namespace and account`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const st = store({ name: 'main', managedBy: 'svc', namespace: 'sgp', accountId: 'acct-1' });
      await s.insertStore(st, 10, audit('store.create'));
      assert.deepEqual(plain(await s.getStore('sgp', 'acct-1', st.id)), st);
      assert.equal(await s.getStore('cloudflare', 'acct-1', st.id), undefined, 'another namespace');
      assert.equal(await s.getStore('sgp', 'acct-2', st.id), undefined, 'another account');
      assert.equal(await s.getStore('sgp', 'acct-1', 'no-such-id'), undefined);
    }));

  test(`${backend.name}: store names are unique per namespace and account, and nowhere else`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      await s.insertStore(store({ name: 'main' }), 10, audit('store.create'));
      await rejectsWith(s.insertStore(store({ name: 'main' }), 10, audit('store.create')), 'conflict', 'store_name_already_exists');
      await s.insertStore(store({ name: 'main', accountId: 'other' }), 10, audit('store.create'));
      await s.insertStore(store({ name: 'main', namespace: 'neostore' }), 10, audit('store.create'));
      await s.insertStore(store({ name: 'Main' }), 10, audit('store.create')); // names are exact: case counts
      const page = await s.listStores({ namespace: 'cloudflare', accountId: 'acct', order: 'name', direction: 'asc', window: { kind: 'all' } });
      assert.deepEqual(page.items.map((x) => x.name), ['Main', 'main']);
    }));

  test(`${backend.name}: the stores limit counts per namespace and account; past it, quota and nothing inserted`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      await s.insertStore(store({ name: 'a' }), 2, audit('store.create'));
      await s.insertStore(store({ name: 'b' }), 2, audit('store.create'));
      const over = store({ name: 'c' });
      await rejectsWith(s.insertStore(over, 2, audit('store.create')), 'quota', 'maximum_stores_exceeded');
      assert.equal(await s.getStore('cloudflare', 'acct', over.id), undefined);
      await s.insertStore(store({ name: 'c', accountId: 'elsewhere' }), 2, audit('store.create'));
      await s.insertStore(store({ name: 'c', namespace: 'sgp' }), 2, audit('store.create'));
    }));

  test(`${backend.name}: secrets: read back as written, by id, by name, and their sealed bytes`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const st = store({ name: 'main' });
      await seed(s, st);
      const record = secret(st, {
        name: 'DB_PASSWORD',
        comment: 'a comment',
        scopes: ['workers', 'dex'],
        status: 'pending',
        notBefore: 5,
        expiresOn: 9,
        createdBy: 'alice',
        updatedBy: 'bob',
      });
      const bytes = new Uint8Array([0, 255, 1, 254, 0]);
      await s.insertSecrets([{ record, sealed: bytes }], scopeOf(st), 10, [audit('secret.create')]);
      assert.deepEqual(plain(await s.getSecret(st.id, record.id)), record);
      assert.deepEqual(plain(await s.getSecretByName(st.id, 'DB_PASSWORD')), record);
      assert.deepEqual([...(await s.getSealedValue(st.id, record.id))!], [...bytes]);
      const other = store({ name: 'other' });
      await seed(s, other);
      assert.equal(await s.getSecret(other.id, record.id), undefined, 'scoped to its store');
      assert.equal(await s.getSecretByName(other.id, 'DB_PASSWORD'), undefined);
      assert.equal(await s.getSealedValue(other.id, record.id), undefined);
      assert.equal(await s.getSecret(st.id, 'no-such-id'), undefined);
      const none = secret(st, { name: 'NO_SCOPES', scopes: [] });
      await s.insertSecrets([{ record: none, sealed: sealed('x') }], scopeOf(st), 10, [audit('secret.create')]);
      assert.deepEqual((await s.getSecret(st.id, none.id))?.scopes, []);
    }));

  test(`${backend.name}: a batch with one taken name, or one name twice, inserts nothing`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const st = store({ name: 'main' });
      await seed(s, st, [secret(st, { name: 'TAKEN' })]);
      const batch = (names: string[]) => names.map((name) => ({ record: secret(st, { name }), sealed: sealed(name) }));
      await rejectsWith(s.insertSecrets(batch(['A', 'TAKEN', 'B']), scopeOf(st), 100, [audit('secret.create')]), 'conflict', 'secret_name_already_exists');
      await rejectsWith(s.insertSecrets(batch(['C', 'D', 'C']), scopeOf(st), 100, [audit('secret.create')]), 'conflict', 'secret_name_already_exists');
      assert.deepEqual(await secretNames(s, st.id), ['TAKEN']);
      assert.equal(await s.countSecrets('cloudflare', 'acct'), 1);
    }));

  test(`${backend.name}: secret names are unique per store only; case counts`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const a = store({ name: 'a' });
      const b = store({ name: 'b' });
      const c = store({ name: 'a', accountId: 'other' });
      await seed(s, a, [secret(a, { name: 'X' }), secret(a, { name: 'x' })]);
      await seed(s, b, [secret(b, { name: 'X' })]);
      await seed(s, c, [secret(c, { name: 'X' })]);
      assert.deepEqual(await secretNames(s, a.id), ['X', 'x']);
      assert.deepEqual(await secretNames(s, b.id), ['X']);
    }));

  test(`${backend.name}: the secrets quota counts the whole account; a batch past it inserts nothing`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const a = store({ name: 'a' });
      const b = store({ name: 'b' });
      await seed(s, a);
      await seed(s, b);
      const row = (st: typeof a, name: string) => ({ record: secret(st, { name }), sealed: sealed(name) });
      await s.insertSecrets([row(a, '1'), row(a, '2')], scopeOf(a), 4, [audit('secret.create')]);
      await s.insertSecrets([row(b, '3')], scopeOf(b), 4, [audit('secret.create')]);
      await rejectsWith(s.insertSecrets([row(b, '4'), row(b, '5')], scopeOf(b), 4, [audit('secret.create')]), 'quota', 'quota_exceeded');
      assert.deepEqual(await secretNames(s, b.id), ['3']);
      assert.equal(await s.countSecrets('cloudflare', 'acct'), 3);
      await s.insertSecrets([row(b, '4')], scopeOf(b), 4, [audit('secret.create')]);
      assert.equal(await s.countSecrets('cloudflare', 'acct'), 4);
      assert.equal(await s.countSecrets('cloudflare', 'other'), 0);
    }));

  test(`${backend.name}: inserts at once on one connection stand or fall alone`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const st = store({ name: 'main' });
      await seed(s, st);
      const row = (name: string) => ({ record: secret(st, { name }), sealed: sealed(name) });
      const results = await Promise.allSettled([
        s.insertSecrets([row('a'), row('b')], scopeOf(st), 100, [audit('secret.create')]),
        s.insertSecrets([row('c'), row('a')], scopeOf(st), 100, [audit('secret.create')]),
        s.insertSecrets([row('d')], scopeOf(st), 100, [audit('secret.create')]),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.deepEqual(await secretNames(s, st.id), ['a', 'b', 'd']);
    }));

  test(`${backend.name}: updateSecret applies only the given fields`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const st = store({ name: 'main' });
      const record = secret(st, { name: 'A', comment: 'old', scopes: ['workers'], notBefore: 1, expiresOn: 2 });
      await seed(s, st, [record]);
      const before = await s.getSealedValue(st.id, record.id);
      const patched = await s.updateSecret(st.id, record.id, { comment: null, scopes: ['dex', 'access'], modified: record.modified + 5, updatedBy: 'me' }, audit('secret.update'), 10);
      const expected = { ...record, comment: null, scopes: ['dex', 'access'], modified: record.modified + 5, updatedBy: 'me' };
      assert.deepEqual(plain(patched), expected);
      assert.deepEqual(plain(await s.getSecret(st.id, record.id)), expected);
      assert.deepEqual(await s.getSealedValue(st.id, record.id), before, 'the value untouched');
      const value = new Uint8Array([7, 7, 7]);
      const windowed = await s.updateSecret(st.id, record.id, { sealed: value, notBefore: null, expiresOn: 99, modified: record.modified + 6 }, audit('secret.update'), 10);
      assert.deepEqual(plain(windowed), { ...expected, notBefore: null, expiresOn: 99, modified: record.modified + 6 });
      assert.deepEqual([...(await s.getSealedValue(st.id, record.id))!], [7, 7, 7]);
      await rejectsWith(s.updateSecret(st.id, 'no-such-id', { modified: 1 }, audit('secret.update'), 10), 'not_found', 'secret_not_found');
      const other = store({ name: 'other' });
      await seed(s, other);
      await rejectsWith(s.updateSecret(other.id, record.id, { comment: 'x', modified: 1 }, audit('secret.update'), 10), 'not_found', 'secret_not_found');
      assert.equal((await s.getSecret(st.id, record.id))?.comment, null);
    }));

  test(`${backend.name}: deleting ids with one missing deletes nothing, and names the missing one`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const st = store({ name: 'main' });
      const [a, b] = [secret(st, { name: 'A' }), secret(st, { name: 'B' })];
      await seed(s, st, [a!, b!]);
      const missing = 'f'.repeat(32);
      const error = await rejectsWith(s.deleteSecrets(st.id, [a!.id, missing, b!.id], [audit('secret.delete')]), 'not_found', 'secret_not_found');
      assert.match(error.message, new RegExp(missing));
      assert.doesNotMatch(error.message, new RegExp(a!.id));
      assert.deepEqual(await secretNames(s, st.id), ['A', 'B']);
      const other = store({ name: 'other' });
      await seed(s, other);
      await rejectsWith(s.deleteSecrets(other.id, [a!.id], [audit('secret.delete')]), 'not_found', 'secret_not_found');
      await s.deleteSecrets(st.id, [a!.id, a!.id], [audit('secret.delete')]); // the same id twice is one id
      assert.deepEqual(await secretNames(s, st.id), ['B']);
      assert.equal(await s.countSecrets('cloudflare', 'acct'), 1);
      assert.equal(await s.getSecret(st.id, a!.id), undefined);
    }));

  test(`${backend.name}: a store that holds secrets is deleted only with force, with its secrets`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const st = store({ name: 'main' });
      const a = secret(st, { name: 'A' });
      await seed(s, st, [a, secret(st, { name: 'B' })]);
      await rejectsWith(s.deleteStore(st.id, false, audit('store.delete')), 'conflict', 'store_not_empty');
      assert.deepEqual(plain(await s.getStore('cloudflare', 'acct', st.id)), st);
      assert.deepEqual(await secretNames(s, st.id), ['A', 'B']);
      await s.deleteStore(st.id, true, audit('store.delete'));
      assert.equal(await s.getStore('cloudflare', 'acct', st.id), undefined);
      assert.equal(await s.getSecret(st.id, a.id), undefined);
      assert.equal(await s.countSecrets('cloudflare', 'acct'), 0);
      assert.equal(await s.hasSecrets(), false);
      await rejectsWith(s.deleteStore(st.id, true, audit('store.delete')), 'not_found', 'store_not_found');
      const empty = store({ name: 'empty' });
      await seed(s, empty);
      await s.deleteStore(empty.id, false, audit('store.delete'));
      await s.insertStore(store({ name: 'main' }), 10, audit('store.create')); // the name is free again
    }));
}
