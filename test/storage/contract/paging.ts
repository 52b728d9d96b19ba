import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Storage } from '../../../src/engine/storage/storage.ts';
import type { SecretOrder, SecretQuery, SecretRecord, SecretStatus, StoreOrder, StoreRecord, Window } from '../../../src/engine/types.ts';
import type { ContractBackend } from './kit.ts';
import { audit, id, nextRequest, plain, rejectsWith, scopeOf, sealed, seed, store, withDatabase } from './kit.ts';
import { secretList, storeList, windowOf } from './reference.ts';

// Every list, every order and direction, offset and cursor windows, against the reference in reference.ts. The data
// has ties in every sort key, names and comments with LIKE's metacharacters, case pairs and non-ASCII text.

const SECRET_ORDERS: SecretOrder[] = ['name', 'comment', 'created', 'modified', 'status'];
const STORE_ORDERS: StoreOrder[] = ['name', 'created', 'modified'];
const DIRECTIONS = ['asc', 'desc'] as const;
const SCOPES = ['workers', 'dex', 'access'];
const SEARCHES = ['a', 'A', '%', '_', '\\', 'é', 'É', 'x', 'tag_1', 'TAG', 'a%', '😀', '', 'no-such-text', 'ß'];
const NAME_CHARS = ['a', 'A', 'b', 'B', '_', '%', '\\', 'é', 'É', 'ß', '😀', '～', 'z', '1', '.'];
const COMMENTS = [null, '', 'x', 'X', 'a%b', 'tag_1', 'tagX1', 'é', 'É', 'back\\slash', 'TAG_1'];

/** A small seeded generator: the same data on every run and backend. */
function random(seedValue: number): (n: number) => number {
  let state = seedValue;
  return (n) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

function uniqueNames(pick: (n: number) => number, count: number): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const length = 1 + pick(3);
    names.add(Array.from({ length }, () => NAME_CHARS[pick(NAME_CHARS.length)]).join(''));
  }
  return [...names];
}

function secretsOf(st: StoreRecord, pick: (n: number) => number, count: number): SecretRecord[] {
  return uniqueNames(pick, count).map((name) => ({
    id: id(),
    storeId: st.id,
    name,
    comment: COMMENTS[pick(COMMENTS.length)]!,
    scopes: SCOPES.filter(() => pick(2) === 0),
    status: (['active', 'pending', 'deleted'] as SecretStatus[])[pick(3)]!,
    notBefore: null,
    expiresOn: null,
    created: 1_000 + pick(4),
    modified: 2_000 + pick(4),
    createdBy: null,
    updatedBy: null,
  }));
}

/** One store of 40 secrets (in batches, as they would come), and a neighbour whose secrets must never show. */
async function secretData(s: Storage) {
  const pick = random(13);
  const st = store({ name: 'main' });
  const neighbour = store({ name: 'neighbour' });
  await seed(s, st);
  await seed(s, neighbour);
  const inserted = secretsOf(st, pick, 40);
  for (let i = 0; i < inserted.length; i += 15) {
    await s.insertSecrets(inserted.slice(i, i + 15).map((record) => ({ record, sealed: sealed(record.name) })), scopeOf(st), 1_000, [audit('secret.create')]);
  }
  const others = secretsOf(neighbour, pick, 5);
  await s.insertSecrets(others.map((record) => ({ record, sealed: sealed(record.name) })), scopeOf(neighbour), 1_000, [audit('secret.create')]);
  return { st, inserted: [...inserted, ...others] };
}

async function checkSecrets(s: Storage, inserted: SecretRecord[], query: SecretQuery): Promise<void> {
  const expected = windowOf(secretList(inserted, query), query.window);
  const label = JSON.stringify(query);
  if (!expected) {
    await rejectsWith(s.listSecrets(query), 'validation', 'invalid_cursor');
    return;
  }
  const page = await s.listSecrets(query);
  assert.deepEqual(plain(page), plain(expected), label);
}

/** Walks a whole list page by page (offset, after, before); every page must match the reference. */
async function walk<T extends { id: string }>(
  list: (window: Window) => Promise<{ items: T[]; total: number; hasMore: boolean }>,
  expected: T[],
  limit: number,
): Promise<void> {
  const ids = expected.map((x) => x.id);
  const byOffset: string[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await list({ kind: 'offset', offset, limit });
    assert.equal(page.total, expected.length);
    byOffset.push(...page.items.map((x) => x.id));
    if (!page.hasMore) break;
  }
  assert.deepEqual(byOffset, ids, 'offset pages');
  const forward: string[] = [];
  for (let cursorId: string | undefined; ; ) {
    const page = await list({ kind: 'after', cursorId, limit });
    forward.push(...page.items.map((x) => x.id));
    if (!page.hasMore) break;
    cursorId = page.items.at(-1)!.id;
  }
  assert.deepEqual(forward, ids, 'after cursors');
  if (ids.length === 0) return;
  const backward = [ids.at(-1)!];
  for (let cursorId = ids.at(-1)!; ; ) {
    const page = await list({ kind: 'before', cursorId, limit });
    backward.unshift(...page.items.map((x) => x.id));
    if (!page.hasMore) break;
    cursorId = page.items[0]!.id;
  }
  assert.deepEqual(backward, ids, 'before cursors');
}

const windowArb = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  fc.record({ kind: fc.constant('offset' as const), offset: fc.nat(45), limit: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ kind: fc.constant('after' as const), pick: fc.option(fc.nat(), { nil: undefined }), limit: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ kind: fc.constant('before' as const), pick: fc.nat(), limit: fc.integer({ min: 1, max: 10 }) }),
);

type WindowSpec = typeof windowArb extends fc.Arbitrary<infer W> ? W : never;

/** A generated window, its cursor picked from the list it walks (or, without one there, from anywhere). */
function resolveWindow(spec: WindowSpec, list: { id: string }[], anyId: string): Window {
  if (spec.kind === 'all' || spec.kind === 'offset') return spec;
  const cursor = (pick: number) => (list.length > 0 ? list[pick % list.length]!.id : anyId);
  if (spec.kind === 'after') return { kind: 'after', cursorId: spec.pick === undefined ? undefined : cursor(spec.pick), limit: spec.limit };
  return { kind: 'before', cursorId: cursor(spec.pick), limit: spec.limit };
}

export function paging(backend: ContractBackend): void {
  test(`${backend.name}: secrets, every order and direction, walked by offset, after and before`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const { st, inserted } = await secretData(s);
      await nextRequest(s); // from here on the backend may cache (offset anchors)
      for (const order of SECRET_ORDERS) {
        for (const direction of DIRECTIONS) {
          for (const filter of [{}, { search: 'a' }, { scopes: ['dex'] }]) {
            const query = { storeId: st.id, order, direction, ...filter };
            const expected = secretList(inserted, { ...query, window: { kind: 'all' } });
            await checkSecrets(s, inserted, { ...query, window: { kind: 'all' } });
            await walk((window) => s.listSecrets({ ...query, window }), expected, 7);
          }
        }
      }
    }));

  test(`${backend.name}: secrets, any query (property): the page the reference gives`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const { st, inserted } = await secretData(s);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...SECRET_ORDERS),
          fc.constantFrom(...DIRECTIONS),
          fc.option(fc.constantFrom(...SEARCHES), { nil: undefined }),
          fc.subarray(SCOPES, { maxLength: 2 }),
          windowArb,
          fc.boolean(),
          async (order, direction, search, scopes, spec, cached) => {
            if (cached) await nextRequest(s);
            const query: SecretQuery = { storeId: st.id, order, direction, window: { kind: 'all' } };
            if (search !== undefined) query.search = search;
            if (scopes.length > 0) query.scopes = scopes;
            const list = secretList(inserted, query);
            await checkSecrets(s, inserted, { ...query, window: resolveWindow(spec, list, inserted[0]!.id) });
          },
        ),
        { numRuns: 150 },
      );
    }));

  test(`${backend.name}: a cursor that is not an item of the list is a validation error`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const { st, inserted } = await secretData(s);
      const outside = inserted.find((x) => x.storeId !== st.id)!;
      const noA = inserted.find((x) => x.storeId === st.id && !/a/i.test(x.name) && !/a/i.test(x.comment ?? ''))!;
      const base = { storeId: st.id, order: 'name' as const, direction: 'asc' as const };
      for (const cursorId of ['no-such-id', outside.id]) {
        await rejectsWith(s.listSecrets({ ...base, window: { kind: 'after', cursorId, limit: 5 } }), 'validation', 'invalid_cursor');
        await rejectsWith(s.listSecrets({ ...base, window: { kind: 'before', cursorId, limit: 5 } }), 'validation', 'invalid_cursor');
      }
      await rejectsWith(s.listSecrets({ ...base, search: 'a', window: { kind: 'after', cursorId: noA.id, limit: 5 } }), 'validation', 'invalid_cursor');
      const stores = { namespace: 'cloudflare' as const, accountId: 'acct', order: 'name' as const, direction: 'asc' as const };
      await rejectsWith(s.listStores({ ...stores, window: { kind: 'after', cursorId: 'no-such-id', limit: 5 } }), 'validation', 'invalid_cursor');
    }));

  test(`${backend.name}: offset pages stay right across writes from this and another connection`, () =>
    withDatabase(backend, async (db) => {
      const [s, other] = [await db.connect(), await db.connect()];
      const { st, inserted } = await secretData(s);
      const query = { storeId: st.id, order: 'created' as const, direction: 'asc' as const };
      const all = { ...query, window: { kind: 'all' as const } };
      for (const [writer, name] of [[s, '!first-own'], [other, '!first-other']] as const) {
        await nextRequest(s);
        await walk((window) => s.listSecrets({ ...query, window }), secretList(inserted, all), 6);
        const early = { ...secretsOf(st, random(name.length), 1)[0]!, name, created: 0 };
        await writer.insertSecrets([{ record: early, sealed: sealed(name) }], scopeOf(st), 1_000, [audit('secret.create')]);
        inserted.push(early);
        await nextRequest(s);
        await walk((window) => s.listSecrets({ ...query, window }), secretList(inserted, all), 6);
      }
      const gone = secretList(inserted, all)[3]!;
      await other.deleteSecrets(st.id, [gone.id], [audit('secret.delete')]);
      inserted.splice(inserted.indexOf(gone), 1);
      await nextRequest(s);
      await walk((window) => s.listSecrets({ ...query, window }), secretList(inserted, all), 6);
    }));

  test(`${backend.name}: stores, every order and direction and managedBy, walked and windowed`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const pick = random(7);
      const inserted: StoreRecord[] = [];
      const names = uniqueNames(pick, 24);
      for (const [i, name] of names.entries()) {
        const elsewhere = i % 8 === 7;
        const record = store({
          name,
          namespace: elsewhere && i % 16 === 7 ? 'sgp' : 'cloudflare',
          accountId: elsewhere && i % 16 !== 7 ? 'other' : 'acct',
          managedBy: [null, 'svc', 'other-svc'][pick(3)]!,
          created: 1_000 + pick(3),
          modified: 2_000 + pick(3),
        });
        await s.insertStore(record, 100, audit('store.create'));
        inserted.push(record);
      }
      await nextRequest(s);
      for (const order of STORE_ORDERS) {
        for (const direction of DIRECTIONS) {
          for (const managedBy of [undefined, 'svc', 'none']) {
            const query = { namespace: 'cloudflare' as const, accountId: 'acct', order, direction, ...(managedBy !== undefined && { managedBy }) };
            const expected = storeList(inserted, { ...query, window: { kind: 'all' } });
            assert.deepEqual(plain(await s.listStores({ ...query, window: { kind: 'all' } })), plain({ items: expected, total: expected.length, hasMore: false }));
            await walk((window) => s.listStores({ ...query, window }), expected, 4);
            const middle = expected[Math.floor(expected.length / 2)];
            if (middle) {
              for (const window of [
                { kind: 'after' as const, cursorId: middle.id, limit: 3 },
                { kind: 'before' as const, cursorId: middle.id, limit: 3 },
                { kind: 'offset' as const, offset: 2, limit: 5 },
              ]) {
                assert.deepEqual(plain(await s.listStores({ ...query, window })), plain(windowOf(expected, window)));
              }
            }
          }
        }
      }
    }));
}
