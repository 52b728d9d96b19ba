import { localActor } from '../../src/engine/actor.ts';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SstoreError } from '../../src/errors.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { limitsFor } from '../../src/engine/limits.ts';
import { openEngine } from '../../src/engine/open.ts';
import type { StoreRecord } from '../../src/engine/types.ts';
import { tempDir } from '../helpers/env.ts';

const ACTOR = localActor();

const env = { SSTORE_MASTER_KEY: randomBytes(32).toString('base64'), SSTORE_NO_KEYCHAIN: '1' };

async function fresh(quota = 10_000): Promise<{ engine: Engine; store: StoreRecord }> {
  const engine = await openEngine({ target: { kind: 'sqlite', dataDir: tempDir() }, env, limits: limitsFor('default', { maxSecretsPerAccount: quota }) });
  const store = await engine.createStore('cloudflare', 'acct', 'main', null, ACTOR);
  return { engine, store };
}

const kind = (k: string) => (error: unknown) => error instanceof SstoreError && error.kind === k;
const names = async (engine: Engine, store: StoreRecord) =>
  (await engine.listSecrets({ storeId: store.id, order: 'name', direction: 'asc', window: { kind: 'all' } })).items.map((s) => s.name);

test('a batch with a clashing name or past the quota creates nothing', async () => {
  const { engine, store } = await fresh(3);
  await engine.createSecrets(store, [{ name: 'A', value: 'a', scopes: ['workers'], comment: null }], ACTOR);
  await assert.rejects(
    engine.createSecrets(store, [
      { name: 'B', value: 'b', scopes: ['workers'], comment: null },
      { name: 'A', value: 'a2', scopes: ['workers'], comment: null },
    ], ACTOR),
    kind('conflict'),
  );
  await assert.rejects(
    engine.createSecrets(store, ['C', 'D', 'E'].map((name) => ({ name, value: name, scopes: ['workers'], comment: null })), ACTOR),
    kind('quota'),
  );
  assert.deepEqual(await names(engine, store), ['A']);
  assert.deepEqual(await engine.usage('cloudflare', 'acct'), { usage: 1, quota: 3 });
  await engine.close();
});

test('an empty patch changes nothing, not even modified; a real one bumps it', async () => {
  const { engine, store } = await fresh();
  const [s] = await engine.createSecrets(store, [{ name: 'A', value: 'a', scopes: ['workers'], comment: 'c' }], ACTOR);
  assert.deepEqual(await engine.patchSecret(store, s!.id, {}, ACTOR), s);
  const patched = await engine.patchSecret(store, s!.id, { comment: null }, ACTOR);
  assert.equal(patched.comment, null);
  assert.ok(patched.modified > s!.modified);
  await assert.rejects(engine.patchSecret(store, 'f'.repeat(32), {}, ACTOR), kind('not_found'));
  await engine.close();
});

test('duplicate copies the exact stored bytes, even ones that are not UTF-8', async () => {
  const { engine, store } = await fresh();
  const bytes = Uint8Array.from([0xff, 0x00, 0xfe, 0x41]);
  const [s] = await engine.createSecrets(store, [{ name: 'BIN', value: bytes, scopes: ['workers'], comment: null }], ACTOR);
  const copy = await engine.duplicateSecret(store, s!.id, { name: 'BIN2', scopes: ['dex'], comment: null }, ACTOR);
  assert.deepEqual([...(await engine.revealSecret(store, copy.id, ACTOR))], [...bytes]);
  await engine.close();
});

test('deleting a list with an unknown id deletes none of it', async () => {
  const { engine, store } = await fresh();
  const made = await engine.createSecrets(store, ['A', 'B'].map((name) => ({ name, value: name, scopes: ['workers'], comment: null })), ACTOR);
  await assert.rejects(engine.deleteSecrets(store, [made[0]!.id, 'nope'], ACTOR), kind('not_found'));
  assert.deepEqual(await names(engine, store), ['A', 'B']);
  await engine.deleteSecrets(store, made.map((s) => s.id), ACTOR);
  assert.deepEqual(await names(engine, store), []);
  await engine.close();
});

test('search is a case-insensitive substring with literal wildcards; scopes must all match', async () => {
  const { engine, store } = await fresh();
  await engine.createSecrets(store, [
    { name: 'PCT_100', value: 'v', scopes: ['workers', 'dex'], comment: '100% off' },
    { name: 'UNDER_SCORE', value: 'v', scopes: ['workers'], comment: null },
    { name: 'plain', value: 'v', scopes: ['dex'], comment: 'Mixed Case' },
  ], ACTOR);
  const find = async (search?: string, scopes?: string[]) =>
    (
      await engine.listSecrets({
        storeId: store.id,
        ...(search !== undefined && { search }),
        ...(scopes && { scopes }),
        order: 'name',
        direction: 'asc',
        window: { kind: 'all' },
      })
    ).items.map((s) => s.name);
  assert.deepEqual(await find('%'), ['PCT_100']);
  assert.deepEqual(await find('_S'), ['UNDER_SCORE']);
  assert.deepEqual(await find('mixed case'), ['plain']);
  assert.deepEqual(await find(undefined, ['workers', 'dex']), ['PCT_100']);
  assert.deepEqual(await find(undefined, ['dex']), ['PCT_100', 'plain']);
  await engine.close();
});

test('offset and keyset windows walk the same order without gaps or repeats', async () => {
  const { engine, store } = await fresh();
  await engine.createSecrets(store, Array.from({ length: 25 }, (_, i) => ({ name: `S${String(i).padStart(2, '0')}`, value: 'v', scopes: ['workers'], comment: null })), ACTOR);
  const viaOffset: string[] = [];
  for (let offset = 0; ; offset += 7) {
    const page = await engine.listSecrets({ storeId: store.id, order: 'created', direction: 'desc', window: { kind: 'offset', offset, limit: 7 } });
    if (page.items.length === 0) break;
    assert.equal(page.total, 25);
    viaOffset.push(...page.items.map((s) => s.name));
  }
  const viaCursor: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await engine.listSecrets({ storeId: store.id, order: 'created', direction: 'desc', window: { kind: 'after', cursorId: cursor, limit: 7 } });
    viaCursor.push(...page.items.map((s) => s.name));
    if (!page.hasMore) break;
    cursor = page.items.at(-1)!.id;
  }
  assert.equal(viaOffset.length, 25);
  assert.deepEqual(viaCursor, viaOffset);
  assert.equal(viaOffset[0], 'S24');
  await engine.close();
});
