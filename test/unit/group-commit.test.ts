import { localActor } from '../../src/engine/actor.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine, NewSecret } from '../../src/engine/engine.ts';
import { DEFAULT_LIMITS } from '../../src/engine/limits.ts';
import { openEngine } from '../../src/engine/open.ts';
import type { StoreRecord } from '../../src/engine/types.ts';
import { tempDir } from '../helpers/env.ts';

const ACTOR = localActor();

// Creates asked for in the same tick share one transaction (group commit); each must still stand or fall alone.

const ENV = { SSTORE_NO_KEYCHAIN: '1' };

async function open(dataDir: string, maxSecretsPerAccount = 1_000): Promise<Engine> {
  return openEngine({ target: { kind: 'sqlite', dataDir }, env: ENV, limits: { ...DEFAULT_LIMITS, maxSecretsPerAccount } });
}

function secrets(...names: string[]): NewSecret[] {
  return names.map((name) => ({ name, value: `value of ${name}`, scopes: ['workers'], comment: null }));
}

async function names(engine: Engine, store: StoreRecord): Promise<string[]> {
  const page = await engine.listSecrets({ storeId: store.id, order: 'name', direction: 'asc', window: { kind: 'all' } });
  return page.items.map((s) => s.name);
}

test('concurrent creates all land, and a clash fails only the request that clashes', async () => {
  const engine = await open(tempDir());
  try {
    const store = await engine.createStore('cloudflare', 'acct', 'main', null, ACTOR);
    const results = await Promise.allSettled([
      engine.createSecrets(store, secrets('a', 'b'), ACTOR),
      engine.createSecrets(store, secrets('c', 'a'), ACTOR), // "a" is taken by the request before it
      engine.createSecrets(store, secrets('d'), ACTOR),
    ]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.match(String((results[1] as PromiseRejectedResult).reason.message), /already exists/);
    assert.equal(results[2].status, 'fulfilled');
    // The failed request left nothing behind, not even its first secret.
    assert.deepEqual(await names(engine, store), ['a', 'b', 'd']);
  } finally {
    await engine.close();
  }
});

test('the quota counts the requests before it in the same batch', async () => {
  const engine = await open(tempDir(), 4);
  try {
    const store = await engine.createStore('cloudflare', 'acct', 'main', null, ACTOR);
    const results = await Promise.allSettled([
      engine.createSecrets(store, secrets('a', 'b'), ACTOR),
      engine.createSecrets(store, secrets('c', 'd'), ACTOR),
      engine.createSecrets(store, secrets('e'), ACTOR),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    assert.equal((results[2] as PromiseRejectedResult).reason.kind, 'quota');
    assert.deepEqual(await engine.usage('cloudflare', 'acct'), { usage: 4, quota: 4 });
  } finally {
    await engine.close();
  }
});

test('acknowledged creates are on disk, and close() writes the ones still queued', async () => {
  const dir = tempDir();
  const first = await open(dir);
  const store = await first.createStore('cloudflare', 'acct', 'main', null, ACTOR);
  await first.createSecrets(store, secrets('acked'), ACTOR);
  const queued = first.createSecrets(store, secrets('queued'), ACTOR);
  await first.close();
  await queued;

  const again = await open(dir);
  try {
    assert.deepEqual(await names(again, store), ['acked', 'queued']);
    assert.equal((await again.revealSecret(store, (await again.findSecretByName(store, 'queued'))!.id, ACTOR)).toString(), 'value of queued');
  } finally {
    await again.close();
  }
});
