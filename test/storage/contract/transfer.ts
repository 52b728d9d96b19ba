import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Storage, StorageItem } from '../../../src/engine/storage/storage.ts';
import type { Namespace } from '../../../src/engine/types.ts';
import type { ContractBackend } from './kit.ts';
import { audit, plain, rejectsWith, scopeOf, sealed, secret, store, token, withDatabase } from './kit.ts';

// exportAll and importAll, what `sstore server copy` is made of: a copy lists exactly as its source, values sealed as
// they were, and an import that fails leaves the target as it was.

async function collect(items: AsyncIterable<StorageItem>): Promise<StorageItem[]> {
  const all: StorageItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Items as comparable data (bytes as hex). */
function comparable(items: StorageItem[]): unknown[] {
  return items.map((item) => {
    if (item.kind === 'meta') return { ...item, value: Buffer.from(item.value).toString('hex') };
    if (item.kind === 'secret') return { ...plain(item.record), sealed: Buffer.from(item.sealed).toString('hex') };
    return plain(item);
  });
}

/** Two namespaces, three stores (one empty), secrets with ties in every key, tokens made out of order, meta. */
async function fill(s: Storage): Promise<void> {
  await s.setMeta('key_check', new Uint8Array([1, 2, 3]));
  await s.setMeta('other', new Uint8Array([0]));
  const stores = [store({ name: 'b', created: 5 }), store({ name: 'a', created: 5, managedBy: 'svc' }), store({ name: 'default', namespace: 'sgp' })];
  for (const st of stores) await s.insertStore(st, 100, audit('store.create'));
  for (const st of stores.slice(0, 2)) {
    const rows = ['Z', 'y', 'X', 'w'].map((name, i) => ({
      record: secret(st, { name, created: 7, modified: 9 - (i % 2), comment: i % 2 ? null : 'c', status: i === 3 ? 'pending' : 'active' }),
      sealed: sealed(name),
    }));
    await s.insertSecrets(rows.slice(0, 2), scopeOf(st), 100, [audit('secret.create')]);
    await s.insertSecrets(rows.slice(2), scopeOf(st), 100, [audit('secret.create')]);
  }
  for (const t of [token({ name: 'late', created: 9 }), token({ name: 'early', created: 1, permissions: ['admin'] }), token({ name: 'svc', created: 9, service: 'svc' })]) {
    await s.insertToken(t.token, t.hash, 'fail', audit('token.create'));
  }
}

/** Everything a client can list, in every order: the same on a copy as on its source. */
async function listings(s: Storage): Promise<unknown> {
  const out: unknown[] = [await s.listTokens()];
  for (const [namespace, accountId] of [['cloudflare', 'acct'], ['sgp', 'acct']] as [Namespace, string][]) {
    for (const order of ['name', 'created', 'modified'] as const) {
      const stores = await s.listStores({ namespace, accountId, order, direction: 'desc', window: { kind: 'all' } });
      out.push(stores);
      for (const st of stores.items) {
        for (const secretOrder of ['name', 'comment', 'created', 'modified', 'status'] as const) {
          out.push(await s.listSecrets({ storeId: st.id, order: secretOrder, direction: 'asc', window: { kind: 'all' } }));
        }
      }
    }
  }
  return plain(out);
}

export function transfer(backend: ContractBackend): void {
  test(`${backend.name}: exportAll → importAll into another database: the same lists, order and sealed bytes`, async () => {
    await withDatabase(backend, async (sourceDb) => {
      const source = await sourceDb.connect();
      await fill(source);
      const exported = await collect(source.exportAll());
      assert.deepEqual([...new Set(exported.map((x) => x.kind))], ['meta', 'store', 'secret', 'token', 'audit'], 'meta, stores, secrets, tokens, audit');
      await withDatabase(backend, async (targetDb) => {
        const target = await targetDb.connect();
        assert.equal(await target.importAll(source.exportAll(), { replace: false }), exported.length);
        assert.deepEqual(comparable(await collect(target.exportAll())), comparable(exported));
        assert.deepEqual(await listings(target), await listings(source));
        for (const item of exported) {
          if (item.kind === 'secret') {
            assert.deepEqual(await target.getSealedValue(item.record.storeId, item.record.id), await source.getSealedValue(item.record.storeId, item.record.id));
          }
          if (item.kind === 'token') assert.equal((await target.findTokenByHash(item.hash))?.token.id, item.token.id);
        }
        assert.equal(await target.countSecrets('cloudflare', 'acct'), 8);
        assert.equal(await target.hasSecrets(), true);
      });
      assert.deepEqual(comparable(await collect(source.exportAll())), comparable(exported), 'the source is unchanged');
    });
  });

  test(`${backend.name}: exportAll is one snapshot: what another connection commits meanwhile is not half in it`, () =>
    withDatabase(backend, async (db) => {
      const [s, other] = [await db.connect(), await db.connect()];
      const st = store({ name: 'main' });
      const a = secret(st, { name: 'A' });
      const bytes = sealed('A');
      await s.insertStore(st, 10, audit('store.create'));
      await s.insertSecrets([{ record: a, sealed: bytes }], scopeOf(st), 10, [audit('secret.create')]);
      await s.setMeta('key_check', new Uint8Array([1]));
      const iterator = s.exportAll()[Symbol.asyncIterator]();
      const items: StorageItem[] = [];
      try {
        const first = await iterator.next();
        if (!first.done) items.push(first.value);
        const late = store({ name: 'late' });
        await other.insertStore(late, 10, audit('store.create'));
        await other.insertSecrets([{ record: secret(late, { name: 'L' }), sealed: sealed('L') }], scopeOf(late), 10, [audit('secret.create')]);
        await other.deleteSecrets(st.id, [a.id], [audit('secret.delete')]);
        await other.setMeta('key_check', new Uint8Array([2]));
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) items.push(next.value);
      } finally {
        await iterator.return?.();
      }
      const expected: StorageItem[] = [
        { kind: 'meta', key: 'key_check', value: new Uint8Array([1]) },
        { kind: 'store', store: st },
        { kind: 'secret', record: a, sealed: bytes, current: { version: 1, set: null, setBy: null } },
      ];
      assert.deepEqual(comparable(items.filter((x) => x.kind !== 'audit')), comparable(expected));
      assert.deepEqual(items.filter((x) => x.kind === 'audit').map((x) => x.kind === 'audit' && x.entry.id), [1, 2], 'the trail as it was');
      const now = await collect(s.exportAll());
      assert.deepEqual(now.map((x) => x.kind), ['meta', 'store', 'store', 'secret', ...Array(5).fill('audit')], 'the next export sees every write');
    }));

  test(`${backend.name}: importAll refuses a non-empty database unless replacing, and replacing keeps nothing old`, () =>
    withDatabase(backend, async (db) => {
      const source = await db.connect();
      await fill(source);
      const items = await collect(source.exportAll());
      const target = await db.connect();
      const before = comparable(items);
      await rejectsWith(target.importAll(toAsync(items), { replace: false }), 'conflict', 'target_not_empty');
      assert.deepEqual(comparable(await collect(target.exportAll())), before);

      const onlyToken = token({ name: 'lone' });
      await withDatabase(backend, async (otherDb) => {
        const tokenOnly = await otherDb.connect();
        await tokenOnly.insertToken(onlyToken.token, onlyToken.hash, 'fail', audit('token.create'));
        await rejectsWith(tokenOnly.importAll(toAsync(items), { replace: false }), 'conflict', 'target_not_empty');
        const old = store({ name: 'old' });
        await tokenOnly.insertStore(old, 10, audit('store.create'));
        await tokenOnly.insertSecrets([{ record: secret(old, { name: 'OLD' }), sealed: sealed('old') }], scopeOf(old), 10, [audit('secret.create')]);
        await tokenOnly.importAll(toAsync(items), { replace: true });
        assert.deepEqual(comparable(await collect(tokenOnly.exportAll())), before);
        assert.equal(await tokenOnly.findTokenByHash(onlyToken.hash), undefined);
        assert.equal(await tokenOnly.getStore('cloudflare', 'acct', old.id), undefined);
      });
    }));

  test(`${backend.name}: an importAll that fails half-way leaves the database as it was`, () =>
    withDatabase(backend, async (db) => {
      const target = await db.connect();
      const st = store({ name: 'main' });
      const clash = [secret(st, { name: 'SAME' }), secret(st, { name: 'SAME' })];
      const t = token({ name: 'ci' });
      const broken: StorageItem[][] = [
        [
          { kind: 'meta', key: 'key_check', value: new Uint8Array([1]) },
          { kind: 'store', store: st },
          ...clash.map((record) => ({ kind: 'secret' as const, record, sealed: sealed('x') })),
        ],
        [{ kind: 'meta', key: 'key_check', value: new Uint8Array([1]) }, { kind: 'store', store: st }, { kind: 'store', store: { ...st, id: 'x'.repeat(32) } }],
        [{ kind: 'store', store: st }, { kind: 'token', ...t }, { kind: 'token', token: { ...t.token, id: 'other-id', name: 'other' }, hash: t.hash }],
        [{ kind: 'store', store: st }, { kind: 'token', ...t }, { kind: 'token', ...token({ name: 'ci' }) }],
      ];
      for (const items of broken) {
        await assert.rejects(target.importAll(toAsync(items), { replace: false }), (error: unknown) => (error as { kind?: string }).kind === 'conflict');
        assert.equal(await target.isEmpty(), true);
        assert.equal(await target.getMeta('key_check'), undefined);
      }
      await rejectsWith(
        target.importAll(toAsync([{ kind: 'secret', record: secret(st, { name: 'ORPHAN' }), sealed: sealed('x') }]), { replace: false }),
        'validation',
      );
      assert.equal(await target.isEmpty(), true);
      // A failed replace keeps what was there.
      const kept = store({ name: 'kept' });
      await target.insertStore(kept, 10, audit('store.create'));
      await assert.rejects(target.importAll(toAsync(broken[0]!), { replace: true }));
      assert.equal((await target.getStore('cloudflare', 'acct', kept.id))?.name, 'kept');
    }));
}

async function* toAsync(items: StorageItem[]): AsyncIterable<StorageItem> {
  yield* items;
}
