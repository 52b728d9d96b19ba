import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SstoreError } from '../../src/errors.ts';
import { openPostgresStorage } from '../../src/engine/storage/postgres/index.ts';
import type { StorageItem } from '../../src/engine/storage/storage.ts';
import { redactUrl } from '../../src/engine/storage/target.ts';
import { adminSql, freshDatabase, sharedCluster } from '../helpers/postgres.ts';
import { exerciseStorage } from './contract.ts';
import { audit, scopeOf, sealed, secret, secretNames, seed, store } from './contract/kit.ts';

// The storage contract on PostgreSQL: every test gets a fresh database (and role) on the run's cluster; a connection
// is a new pool of its own, as another server instance would hold, so races and coherence go through the server.
exerciseStorage({
  name: 'postgres',
  tablePrefix: 'sstore_',
  async fresh() {
    const url = await freshDatabase();
    return {
      async sql(statement: string) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(statement);
        } finally {
          await client.end();
        }
      },
      async connect() {
        const storage = await openPostgresStorage(url, redactUrl(url));
        await storage.migrate();
        return storage;
      },
    };
  },
});

// Group commit (src/engine/storage/postgres/group-commit.ts): creates asked for in one turn share a transaction, yet
// each one succeeds or fails alone, and the quota is decided in the order they were asked.
test('postgres: creates of one turn fail alone (a name taken, the quota) and the rest are stored', async () => {
  const url = await freshDatabase();
  const storage = await openPostgresStorage(url, redactUrl(url));
  try {
    await storage.migrate();
    const s = store({ name: 'batch' });
    await seed(storage, s, [secret(s, { name: 'TAKEN' })]);
    const create = (name: string, quota = 100) => storage.insertSecrets([{ record: secret(s, { name }), sealed: sealed(name) }], scopeOf(s), quota, [audit('secret.create')]);
    // One turn: the third takes a taken name; with a quota of 4 (one stored already), the fifth is one too many.
    const outcomes = await Promise.allSettled([create('A', 4), create('B', 4), create('TAKEN', 4), create('C', 4), create('D', 4)]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as SstoreError).reason)),
      ['ok', 'ok', 'secret_name_already_exists', 'ok', 'quota_exceeded'],
    );
    assert.deepEqual((await secretNames(storage, s.id)).sort(), ['A', 'B', 'C', 'TAKEN']);
    assert.equal(await storage.countSecrets(s.namespace, s.accountId), 4);
  } finally {
    await storage.close();
  }
});

// A connection cut by the server while a transaction holds it (a restart, an administrator) must fail that
// transaction with 503, not crash the process with an unhandled 'error' event; the pool then serves again.
test('postgres: a connection cut inside a transaction is a 503 for that call, and the next call works', async () => {
  const url = await freshDatabase();
  const storage = await openPostgresStorage(url, redactUrl(url));
  try {
    await storage.migrate();
    let inTransaction!: () => void;
    const started = new Promise<void>((resolve) => (inTransaction = resolve));
    let cut!: () => void;
    const wasCut = new Promise<void>((resolve) => (cut = resolve));
    async function* items(): AsyncIterable<StorageItem> {
      inTransaction();
      await wasCut; // the transaction stays open, its connection checked out and idle, until the server cuts it
      yield { kind: 'meta', key: 'late', value: sealed('late') };
    }
    const importing = storage.importAll(items(), { replace: false });
    await started;
    const database = new URL(url).pathname.slice(1);
    await adminSql(await sharedCluster(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
    await sleep(200); // the termination reaches the client as an 'error' event while no query runs
    cut();
    const error = await importing.then(() => undefined, (failure: unknown) => failure as SstoreError);
    assert.equal(error?.reason, 'database_unavailable');
    assert.equal(error?.status, 503);
    assert.equal(await storage.getMeta('late'), undefined);
    assert.equal(await storage.isEmpty(), true);
  } finally {
    await storage.close();
  }
});
