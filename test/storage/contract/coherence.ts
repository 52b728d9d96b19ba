import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Storage } from '../../../src/engine/storage/storage.ts';
import type { ContractBackend } from './kit.ts';
import { audit, nextRequest, scopeOf, sealed, secret, seed, store, token, withDatabase } from './kit.ts';

// Two connections to one database, as two server instances (or a server and `sstore server token revoke`): what one
// has written, the other reads on its next request, whatever it cached before.

/** A server reads the same things on every request: these fill whatever caches the backend has. */
async function warm(s: Storage, storeId: string, secretId: string, tokenHash: string): Promise<void> {
  await nextRequest(s);
  for (let i = 0; i < 2; i++) {
    await s.getStore('cloudflare', 'acct', storeId);
    await s.getSecret(storeId, secretId);
    await s.findTokenByHash(tokenHash);
    await s.listSecrets({ storeId, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 0, limit: 1 } });
    await s.listSecrets({ storeId, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 1, limit: 1 } });
  }
}

async function setup(writer: Storage) {
  const st = store({ name: 'main' });
  const a = secret(st, { name: 'A', comment: 'first' });
  const b = secret(st, { name: 'C' });
  await seed(writer, st, [a, b]);
  const t = token({ name: 'ci' });
  await writer.insertToken(t.token, t.hash, 'fail', audit('token.create'));
  return { st, a, b, t };
}

export function coherence(backend: ContractBackend): void {
  test(`${backend.name}: a secret created on one connection is listed and found on the other's next request`, () =>
    withDatabase(backend, async (db) => {
      const [server, other] = [await db.connect(), await db.connect()];
      const { st, a, t } = await setup(other);
      await warm(server, st.id, a.id, t.hash);
      const created = secret(st, { name: 'B' });
      await other.insertSecrets([{ record: created, sealed: sealed('B') }], scopeOf(st), 100, [audit('secret.create')]);
      await nextRequest(server);
      const page = await server.listSecrets({ storeId: st.id, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 1, limit: 1 } });
      assert.deepEqual(page.items.map((x) => x.name), ['B']);
      assert.equal(page.total, 3);
      assert.equal((await server.getSecret(st.id, created.id))?.name, 'B');
      assert.equal((await server.getSecretByName(st.id, 'B'))?.id, created.id);
      assert.equal(await server.countSecrets('cloudflare', 'acct'), 3);
    }));

  test(`${backend.name}: a comment updated on one connection reads as updated on the other's next request`, () =>
    withDatabase(backend, async (db) => {
      const [server, other] = [await db.connect(), await db.connect()];
      const { st, a, t } = await setup(other);
      await warm(server, st.id, a.id, t.hash);
      await other.updateSecret(st.id, a.id, { comment: 'changed elsewhere', scopes: ['dex'], modified: a.modified + 1 }, audit('secret.update'), 10);
      await nextRequest(server);
      const read = await server.getSecret(st.id, a.id);
      assert.equal(read?.comment, 'changed elsewhere');
      assert.deepEqual(read?.scopes, ['dex']);
      const page = await server.listSecrets({ storeId: st.id, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 0, limit: 1 } });
      assert.equal(page.items[0]?.comment, 'changed elsewhere');
    }));

  test(`${backend.name}: a store deleted on one connection is gone, with its secrets, on the other's next request`, () =>
    withDatabase(backend, async (db) => {
      const [server, other] = [await db.connect(), await db.connect()];
      const { st, a, t } = await setup(other);
      await warm(server, st.id, a.id, t.hash);
      await other.deleteStore(st.id, true, audit('store.delete'));
      await nextRequest(server);
      assert.equal(await server.getStore('cloudflare', 'acct', st.id), undefined);
      assert.equal(await server.getSecret(st.id, a.id), undefined);
      const page = await server.listSecrets({ storeId: st.id, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 1, limit: 1 } });
      assert.deepEqual(page, { items: [], total: 0, hasMore: false });
      const stores = await server.listStores({ namespace: 'cloudflare', accountId: 'acct', order: 'name', direction: 'asc', window: { kind: 'all' } });
      assert.deepEqual(stores.items, []);
    }));

  test(`${backend.name}: a secret deleted on one connection is gone on the other's next request`, () =>
    withDatabase(backend, async (db) => {
      const [server, other] = [await db.connect(), await db.connect()];
      const { st, a, t } = await setup(other);
      await warm(server, st.id, a.id, t.hash);
      await other.deleteSecrets(st.id, [a.id], [audit('secret.delete')]);
      await nextRequest(server);
      assert.equal(await server.getSecret(st.id, a.id), undefined);
      const page = await server.listSecrets({ storeId: st.id, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 1, limit: 1 } });
      assert.deepEqual(page.items, []);
      assert.equal(page.total, 1);
    }));

  test(`${backend.name}: a token revoked or replaced on one connection is refused on the other's next request`, () =>
    withDatabase(backend, async (db) => {
      const [server, other] = [await db.connect(), await db.connect()];
      const { st, a, t } = await setup(other);
      await warm(server, st.id, a.id, t.hash);
      assert.equal(await other.deleteToken('ci', audit('token.revoke')), true);
      await nextRequest(server);
      assert.equal(await server.findTokenByHash(t.hash), undefined);

      const fixed = token({ name: 'fixed', permissions: ['admin'] });
      await other.insertToken(fixed.token, fixed.hash, 'fail', audit('token.create'));
      await nextRequest(server);
      assert.deepEqual((await server.findTokenByHash(fixed.hash))?.token.permissions, ['admin']);
      await server.findTokenByHash(fixed.hash);
      const swapped = token({ name: 'fixed', permissions: ['read'] });
      await other.insertToken(swapped.token, swapped.hash, 'replace', audit('token.create'));
      await nextRequest(server);
      assert.equal(await server.findTokenByHash(fixed.hash), undefined);
      assert.deepEqual((await server.findTokenByHash(swapped.hash))?.token.permissions, ['read']);
      assert.deepEqual((await server.listTokens()).map((x) => x.name), ['fixed']);
    }));

  test(`${backend.name}: a connection's own writes count at once`, () =>
    withDatabase(backend, async (db) => {
      const server = await db.connect();
      const { st, a, t } = await setup(server);
      await warm(server, st.id, a.id, t.hash);
      await server.updateSecret(st.id, a.id, { comment: 'mine', modified: a.modified + 1 }, audit('secret.update'), 10);
      assert.equal((await server.getSecret(st.id, a.id))?.comment, 'mine');
      const b = secret(st, { name: 'B' });
      await server.insertSecrets([{ record: b, sealed: sealed('B') }], scopeOf(st), 100, [audit('secret.create')]);
      const page = await server.listSecrets({ storeId: st.id, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 1, limit: 1 } });
      assert.deepEqual(page.items.map((x) => x.name), ['B']);
      await server.deleteToken('ci', audit('token.revoke'));
      assert.equal(await server.findTokenByHash(t.hash), undefined);
      await server.deleteStore(st.id, true, audit('store.delete'));
      assert.equal(await server.getStore('cloudflare', 'acct', st.id), undefined);
    }));

  test(`${backend.name}: until its first revalidate, a connection caches nothing`, () =>
    withDatabase(backend, async (db) => {
      const [oneShot, other] = [await db.connect(), await db.connect()];
      const { st, a, t } = await setup(other);
      for (let i = 0; i < 2; i++) {
        assert.equal((await oneShot.getStore('cloudflare', 'acct', st.id))?.name, 'main');
        assert.equal((await oneShot.getSecret(st.id, a.id))?.comment, 'first');
        assert.equal((await oneShot.findTokenByHash(t.hash))?.token.name, 'ci');
        await oneShot.listSecrets({ storeId: st.id, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 1, limit: 1 } });
      }
      await other.updateSecret(st.id, a.id, { comment: 'changed', modified: a.modified + 1 }, audit('secret.update'), 10);
      await other.deleteToken('ci', audit('token.revoke'));
      const b = secret(st, { name: 'B' });
      await other.insertSecrets([{ record: b, sealed: sealed('B') }], scopeOf(st), 100, [audit('secret.create')]);
      assert.equal((await oneShot.getSecret(st.id, a.id))?.comment, 'changed');
      assert.equal(await oneShot.findTokenByHash(t.hash), undefined);
      const page = await oneShot.listSecrets({ storeId: st.id, order: 'name', direction: 'asc', window: { kind: 'offset', offset: 1, limit: 1 } });
      assert.deepEqual(page.items.map((x) => x.name), ['B']);
      await other.deleteStore(st.id, true, audit('store.delete'));
      assert.equal(await oneShot.getStore('cloudflare', 'acct', st.id), undefined);
    }));
}
