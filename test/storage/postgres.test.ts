import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SstoreError } from '../../src/errors.ts';
import { openPostgresStorage } from '../../src/engine/storage/postgres/index.ts';
import { redactUrl } from '../../src/engine/storage/target.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { exerciseStorage } from './contract.ts';
import { scopeOf, sealed, secret, secretNames, seed, store } from './contract/kit.ts';

// The storage contract on PostgreSQL: every test gets a fresh database (and role) on the run's cluster; a connection
// is a new pool of its own, as another server instance would hold, so races and coherence go through the server.
exerciseStorage({
  name: 'postgres',
  async fresh() {
    const url = await freshDatabase();
    return {
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
    const create = (name: string, quota = 100) => storage.insertSecrets([{ record: secret(s, { name }), sealed: sealed(name) }], scopeOf(s), quota);
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
