import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SstoreError } from '../../../src/errors.ts';
import type { Storage } from '../../../src/engine/storage/storage.ts';
import type { ContractBackend, Database } from './kit.ts';
import { audit, scopeOf, sealed, secret, secretNames, seed, store, withDatabase } from './kit.ts';

// Limits hold exactly when several connections (processes, server instances) write at once: exactly the limit
// succeeds, every other write fails with `quota`, and nothing fails any other way.

const RACERS = 4;

async function racers(db: Database): Promise<Storage[]> {
  return Promise.all(Array.from({ length: RACERS }, () => db.racer()));
}

/** Counts the outcomes by error kind ('ok' for a success); anything but an SstoreError is a failure of the contract. */
function tally(results: PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    let key = 'ok';
    if (result.status === 'rejected') {
      const error: unknown = result.reason;
      assert.ok(error instanceof SstoreError, `not an SstoreError: ${String(error)}`);
      key = `${error.kind}/${error.reason}`;
    }
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function races(backend: ContractBackend): void {
  test(`${backend.name}: creates racing on ${RACERS} connections stop exactly at the secrets quota`, () =>
    withDatabase(backend, async (db) => {
      const setup = await db.connect();
      const [a, b] = [store({ name: 'a' }), store({ name: 'b' })];
      await seed(setup, a);
      await seed(setup, b);
      const all = await racers(db);
      const quota = 25;
      const results = await Promise.allSettled(
        all.flatMap((s, r) =>
          Array.from({ length: 12 }, (_, i) => {
            const st = i % 2 === 0 ? a : b;
            return s.insertSecrets([{ record: secret(st, { name: `r${r}-${i}` }), sealed: sealed('v') }], scopeOf(st), quota, [audit('secret.create')]);
          }),
        ),
      );
      assert.deepEqual(tally(results), { ok: quota, 'quota/quota_exceeded': RACERS * 12 - quota });
      assert.equal(await setup.countSecrets('cloudflare', 'acct'), quota);
      assert.equal((await secretNames(setup, a.id)).length + (await secretNames(setup, b.id)).length, quota);
    }));

  test(`${backend.name}: batches racing on ${RACERS} connections never overshoot the quota`, () =>
    withDatabase(backend, async (db) => {
      const setup = await db.connect();
      const st = store({ name: 'main' });
      await seed(setup, st);
      const all = await racers(db);
      const results = await Promise.allSettled(
        all.flatMap((s, r) =>
          Array.from({ length: 4 }, (_, i) =>
            s.insertSecrets(
              [0, 1, 2].map((k) => ({ record: secret(st, { name: `r${r}-${i}-${k}` }), sealed: sealed('v') })),
              scopeOf(st),
              20,
              [audit('secret.create')],
            ),
          ),
        ),
      );
      assert.deepEqual(tally(results), { ok: 6, 'quota/quota_exceeded': RACERS * 4 - 6 });
      assert.equal(await setup.countSecrets('cloudflare', 'acct'), 18);
    }));

  test(`${backend.name}: stores racing on ${RACERS} connections stop exactly at the stores limit`, () =>
    withDatabase(backend, async (db) => {
      const setup = await db.connect();
      const all = await racers(db);
      const limit = 7;
      const results = await Promise.allSettled(
        all.flatMap((s, r) => Array.from({ length: 4 }, (_, i) => s.insertStore(store({ name: `s${r}-${i}` }), limit, audit('store.create')))),
      );
      assert.deepEqual(tally(results), { ok: limit, 'quota/maximum_stores_exceeded': RACERS * 4 - limit });
      const page = await setup.listStores({ namespace: 'cloudflare', accountId: 'acct', order: 'name', direction: 'asc', window: { kind: 'all' } });
      assert.equal(page.total, limit);
    }));

  test(`${backend.name}: the same name created at once on ${RACERS} connections: one succeeds, the rest conflict`, () =>
    withDatabase(backend, async (db) => {
      const setup = await db.connect();
      const st = store({ name: 'main' });
      await seed(setup, st);
      const all = await racers(db);
      const results = await Promise.allSettled(
        all.map((s) => s.insertSecrets([{ record: secret(st, { name: 'SAME' }), sealed: sealed('v') }], scopeOf(st), 100, [audit('secret.create')])),
      );
      assert.deepEqual(tally(results), { ok: 1, 'conflict/secret_name_already_exists': RACERS - 1 });
      const stores = await Promise.allSettled(all.map((s) => s.insertStore(store({ name: 'same' }), 100, audit('store.create'))));
      assert.deepEqual(tally(stores), { ok: 1, 'conflict/store_name_already_exists': RACERS - 1 });
      assert.deepEqual(await secretNames(setup, st.id), ['SAME']);
    }));

  test(`${backend.name}: claimMeta racing from every connection gives all of them the same winner`, () =>
    withDatabase(backend, async (db) => {
      const connections = [await db.connect(), await db.connect(), ...(await racers(db))];
      for (const key of ['key_check', 'other']) {
        const values = connections.map((_, i) => new Uint8Array([i, 42, i]));
        const results = await Promise.all(connections.map((s, i) => s.claimMeta(key, values[i]!)));
        const winner = [...results[0]!];
        assert.ok(values.some((v) => [...v].join() === winner.join()), 'the winner is one of the claims');
        for (const result of results) assert.deepEqual([...result], winner);
        for (const s of connections.slice(0, 2)) assert.deepEqual([...(await s.getMeta(key))!], winner);
      }
    }));
}
