import { localActor } from '../../src/engine/actor.ts';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { Awaitable } from '../../src/engine/awaitable.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { openEngine } from '../../src/engine/open.ts';
import { tempDir } from '../helpers/env.ts';

const ACTOR = localActor();

// Two engines on one data dir are two SQLite connections, as a server and `sstore server token revoke` are two
// processes: what one commits, the other must see on its next request (its next `revalidate`).
const env = { SSTORE_MASTER_KEY: randomBytes(32).toString('base64'), SSTORE_NO_KEYCHAIN: '1' };
const secret = (name: string) => ({ name, value: `value-of-${name}`, scopes: ['workers'], comment: null });

async function pair(): Promise<{ server: Engine; other: Engine }> {
  const dataDir = tempDir();
  const server = await openEngine({ target: { kind: 'sqlite', dataDir }, env });
  const other = await openEngine({ target: { kind: 'sqlite', dataDir }, env });
  return { server, other };
}

/**
 * What a request does first; then the lookups that the cache serves. A request comes in a later turn of the event
 * loop than the one before it (requests read in the same turn share one check).
 */
async function request<T>(engine: Engine, work: () => Awaitable<T>): Promise<T> {
  await new Promise((resolve) => setImmediate(resolve));
  engine.revalidate();
  return work();
}

test('a token revoked or replaced by another connection is refused on the next request', async () => {
  const { server, other } = await pair();
  const { token } = await other.createToken({ name: 'ci', permissions: ['read'] }, ACTOR);
  assert.equal((await request(server, () => server.authenticate(token)))?.name, 'ci');
  assert.equal((await request(server, () => server.authenticate(token)))?.name, 'ci', 'served from the cache');
  assert.equal(await other.revokeToken('ci', ACTOR), true);
  assert.equal(await request(server, () => server.authenticate(token)), undefined);

  await other.createToken({ name: 'fixed', permissions: ['admin'], token: 'fixed-token-1' }, ACTOR);
  assert.deepEqual((await request(server, () => server.authenticate('fixed-token-1')))?.permissions, ['admin']);
  await other.createToken({ name: 'fixed', permissions: ['read'], token: 'fixed-token-2', ifNameTaken: 'replace' }, ACTOR);
  assert.equal(await request(server, () => server.authenticate('fixed-token-1')), undefined);
  assert.deepEqual((await request(server, () => server.authenticate('fixed-token-2')))?.permissions, ['read']);
  await Promise.all([server.close(), other.close()]);
});

test('a store deleted by another connection is not found on the next request', async () => {
  const { server, other } = await pair();
  const store = await other.createStore('cloudflare', 'acct', 'main', null, ACTOR);
  assert.equal((await request(server, () => server.getStore('cloudflare', 'acct', store.id))).name, 'main');
  assert.equal((await request(server, () => server.getStore('cloudflare', 'acct', store.id))).name, 'main');
  await other.deleteStore(store, true, ACTOR);
  await assert.rejects(request(server, () => server.getStore('cloudflare', 'acct', store.id)), { kind: 'not_found' });
  await Promise.all([server.close(), other.close()]);
});

test('a secret patched or deleted by another connection reads as it is now on the next request', async () => {
  const { server, other } = await pair();
  const store = await other.createStore('cloudflare', 'acct', 'main', null, ACTOR);
  const [a, b] = await other.createSecrets(store, [secret('A'), secret('B')], ACTOR);
  assert.equal((await request(server, () => server.getSecret(store, a!.id))).comment, null);
  await other.patchSecret(store, a!.id, { comment: 'changed elsewhere', scopes: ['dex'] }, ACTOR);
  const patched = await request(server, () => server.getSecret(store, a!.id));
  assert.equal(patched.comment, 'changed elsewhere');
  assert.deepEqual(patched.scopes, ['dex']);
  assert.equal((await request(server, () => server.getSecret(store, b!.id))).name, 'B');
  await other.deleteSecrets(store, [b!.id], ACTOR);
  await assert.rejects(request(server, () => server.getSecret(store, b!.id)), { kind: 'not_found' });
  await Promise.all([server.close(), other.close()]);
});

test("the connection's own writes count at once, though they leave data_version as it is", async () => {
  const { server, other } = await pair();
  await other.close();
  const store = await request(server, () => server.createStore('cloudflare', 'acct', 'main', null, ACTOR));
  const [a, b] = await server.createSecrets(store, [secret('A'), secret('B')], ACTOR);
  assert.equal((await request(server, () => server.getSecret(store, a!.id))).comment, null);
  await request(server, () => server.patchSecret(store, a!.id, { comment: 'mine' }, ACTOR));
  assert.equal((await request(server, () => server.getSecret(store, a!.id))).comment, 'mine');
  assert.equal((await request(server, () => server.getSecret(store, b!.id))).name, 'B');
  await request(server, () => server.deleteSecrets(store, [b!.id], ACTOR));
  await assert.rejects(request(server, () => server.getSecret(store, b!.id)), { kind: 'not_found' });
  await request(server, () => server.deleteStore(store, true, ACTOR));
  await assert.rejects(request(server, () => server.getStore('cloudflare', 'acct', store.id)), { kind: 'not_found' });
  await assert.rejects(request(server, () => server.getSecret(store, a!.id)), { kind: 'not_found' });

  const { token } = await server.createToken({ name: 'ci', permissions: ['read'] }, ACTOR);
  assert.equal((await request(server, () => server.authenticate(token)))?.name, 'ci');
  await request(server, () => server.revokeToken('ci', ACTOR));
  assert.equal(await request(server, () => server.authenticate(token)), undefined);
  await server.close();
});

test('cached records are frozen, so no caller can change what the next request reads', async () => {
  const { server, other } = await pair();
  await other.close();
  const store = await request(server, () => server.createStore('cloudflare', 'acct', 'main', null, ACTOR));
  const [a] = await server.createSecrets(store, [secret('A')], ACTOR);
  const read = await request(server, () => server.getSecret(store, a!.id));
  assert.throws(() => (read.scopes as string[]).push('dex'), TypeError);
  assert.throws(() => Object.assign(read, { name: 'other' }), TypeError);
  await server.close();
});

test('offset pages stay exact while rows are added and removed, by this connection or another', async () => {
  const { server, other } = await pair();
  const store = await other.createStore('cloudflare', 'acct', 'main', null, ACTOR);
  await other.createSecrets(store, Array.from({ length: 25 }, (_, i) => secret(`S${String(i).padStart(2, '0')}`)), ACTOR);
  const expected = async (order: 'created' | 'name' | 'comment', direction: 'asc' | 'desc') =>
    (await other.listSecrets({ storeId: store.id, order, direction, window: { kind: 'all' } })).items.map((s) => s.name);
  /**
   * Every page checked against the slice at its offset, last page first: a page read in order would itself note
   * where the next one starts, so only out-of-order reads show whether older notes were dropped when they should be.
   */
  const paged = async (order: 'created' | 'name' | 'comment', direction: 'asc' | 'desc') => {
    const whole = await expected(order, direction);
    for (let offset = Math.floor((whole.length - 1) / 4) * 4; offset >= 0; offset -= 4) {
      const page = await request(server, () =>
        server.listSecrets({ storeId: store.id, order, direction, window: { kind: 'offset', offset, limit: 4 } }),
      );
      assert.deepEqual(page.items.map((s) => s.name), whole.slice(offset, offset + 4), `${order} ${direction} at ${offset}`);
      assert.equal(page.hasMore, offset + 4 < whole.length);
    }
    return whole;
  };
  for (const order of ['created', 'name', 'comment'] as const) {
    for (const direction of ['asc', 'desc'] as const) {
      // Twice: the second walk seeks from where the first one's pages ended.
      assert.deepEqual(await paged(order, direction), await expected(order, direction));
      assert.deepEqual(await paged(order, direction), await expected(order, direction));
    }
  }
  const all = (await other.listSecrets({ storeId: store.id, order: 'created', direction: 'asc', window: { kind: 'all' } })).items;
  // Changes that move each later page by a different amount than they add (three out, one in).
  await other.deleteSecrets(store, [all[1]!.id, all[9]!.id, all[15]!.id], ACTOR);
  await other.createSecrets(store, [secret('S00a')], ACTOR);
  await other.patchSecret(store, all[20]!.id, { comment: 'aaa' }, ACTOR);
  assert.deepEqual(await paged('created', 'desc'), await expected('created', 'desc'));
  assert.deepEqual(await paged('comment', 'asc'), await expected('comment', 'asc'));
  await server.deleteSecrets(store, [all[3]!.id, all[5]!.id], ACTOR);
  await server.patchSecret(store, all[4]!.id, { comment: 'zzz' }, ACTOR);
  for (const order of ['created', 'name', 'comment'] as const) {
    assert.deepEqual(await paged(order, 'desc'), await expected(order, 'desc'));
    assert.deepEqual(await paged(order, 'asc'), await expected(order, 'asc'));
  }
  await Promise.all([server.close(), other.close()]);
});
