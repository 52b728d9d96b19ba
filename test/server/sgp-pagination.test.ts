import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const ROOT = 'root-token-for-sgp-paging';
const ACCOUNT = 'paging-account';
const COUNT = 250;

const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
const server = await startServer({ env, dataDir: tempDir() });
const headers = { 'x-api-key': ROOT, 'x-selected-account-id': ACCOUNT };

interface Item {
  id: string;
  key: string;
  created_at: string;
  updated_at: string;
}
interface CursorPage {
  items: Item[];
  has_more: boolean;
  total: number;
  limit: number;
  object: string;
}

interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** A 200 page or a 422, as the server may answer either. */
type ListBody = CursorPage & { detail: Issue[] };

async function list(query: Record<string, string | number>): Promise<{ status: number; body: ListBody }> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const response = await fetch(`${server.url}/v5/sgp/secrets?${qs}`, { headers });
  return { status: response.status, body: (await response.json()) as ListBody };
}

async function page(query: Record<string, string | number>): Promise<CursorPage> {
  const { status, body } = await list(query);
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(Object.keys(body), ['items', 'has_more', 'total', 'limit', 'object']);
  assert.equal(body.object, 'list');
  assert.equal(body.total, COUNT);
  return body;
}

// Sequential, so that creation order is the key order: key-000 is the oldest.
const created: Item[] = [];
for (let i = 0; i < COUNT; i++) {
  const response = await fetch(`${server.url}/v5/sgp/secrets`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ key: `key-${String(i).padStart(3, '0')}`, value: `value-${i}` }),
  });
  assert.equal(response.status, 200);
  created.push((await response.json()) as Item);
}
const newestFirst = created.map((s) => s.key).reverse();

test('default: newest first, 100 per page, starting_after walks forward to the end', async () => {
  const keys: string[] = [];
  const sizes: number[] = [];
  let query: Record<string, string | number> = {};
  for (;;) {
    const p = await page(query);
    assert.equal(p.limit, 100);
    sizes.push(p.items.length);
    keys.push(...p.items.map((i) => i.key));
    if (!p.has_more) break;
    query = { starting_after: p.items.at(-1)!.id };
  }
  assert.deepEqual(sizes, [100, 100, 50]);
  assert.deepEqual(keys, newestFirst);
});

test('ending_before walks backward from the last page to the first', async () => {
  const forward: CursorPage[] = [];
  let query: Record<string, string | number> = { limit: 40 };
  for (;;) {
    const p = await page(query);
    forward.push(p);
    if (!p.has_more) break;
    query = { limit: 40, starting_after: p.items.at(-1)!.id };
  }
  assert.equal(forward.length, 7);
  // Backward from the first item of the last page: each page is the 40 items just before, in list order.
  const backward: string[][] = [];
  let cursor = forward.at(-1)!.items[0]!.id;
  for (;;) {
    const p = await page({ limit: 40, ending_before: cursor });
    backward.unshift(p.items.map((i) => i.key));
    if (!p.has_more) break;
    cursor = p.items[0]!.id;
  }
  assert.deepEqual(backward, forward.slice(0, -1).map((p) => p.items.map((i) => i.key)));
  // From the newest item there is nothing before.
  const none = await page({ ending_before: forward[0]!.items[0]!.id });
  assert.deepEqual(none.items, []);
  assert.equal(none.has_more, false);
});

test('sort_by key and sort_order asc/desc, across pages', async () => {
  for (const sortOrder of ['asc', 'desc'] as const) {
    const keys: string[] = [];
    let query: Record<string, string | number> = { sort_by: 'key', sort_order: sortOrder, limit: 77 };
    for (;;) {
      const p = await page(query);
      keys.push(...p.items.map((i) => i.key));
      if (!p.has_more) break;
      query = { sort_by: 'key', sort_order: sortOrder, limit: 77, starting_after: p.items.at(-1)!.id };
    }
    const sorted = created.map((s) => s.key).sort();
    assert.deepEqual(keys, sortOrder === 'asc' ? sorted : sorted.reverse());
  }
  const oldest = await page({ sort_by: 'created_at', sort_order: 'asc', limit: 3 });
  assert.deepEqual(oldest.items.map((i) => i.key), ['key-000', 'key-001', 'key-002']);
});

test('sort_by updated_at puts the last updated first (desc)', async () => {
  const target = created[17]!;
  const response = await fetch(`${server.url}/v5/sgp/secrets/${target.id}`, {
    method: 'PATCH',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'touched' }),
  });
  assert.equal(response.status, 200);
  const p = await page({ sort_by: 'updated_at', sort_order: 'desc', limit: 2 });
  assert.equal(p.items[0]!.key, target.key);
  assert.equal(p.items[1]!.key, 'key-249');
  assert.equal(p.has_more, true);
});

test('limit 1–10,000: the largest page holds everything, out of range is 422', async () => {
  const all = await page({ limit: 10_000 });
  assert.equal(all.items.length, COUNT);
  assert.equal(all.has_more, false);
  assert.equal(all.limit, 10_000);
  const one = await page({ limit: 1 });
  assert.equal(one.items.length, 1);
  assert.equal(one.has_more, true);
  for (const [limit, type] of [[0, 'greater_than_equal'], [10_001, 'less_than_equal'], ['ten', 'int_parsing'], ['1.5', 'int_parsing']] as const) {
    const { status, body } = await list({ limit });
    assert.equal(status, 422);
    assert.deepEqual(body.detail[0]!.loc, ['query', 'limit']);
    assert.equal(body.detail[0]!.type, type);
  }
});

test('bad sort_by, sort_order and cursors are 422 on the query parameter', async () => {
  const cases: [Record<string, string>, string][] = [
    [{ sort_by: 'value' }, 'sort_by'],
    [{ sort_order: 'up' }, 'sort_order'],
    [{ starting_after: 'no-such-id' }, 'starting_after'],
    [{ ending_before: 'no-such-id' }, 'ending_before'],
    [{ starting_after: created[0]!.id, ending_before: created[1]!.id }, 'ending_before'],
  ];
  for (const [query, param] of cases) {
    const { status, body } = await list(query);
    assert.equal(status, 422, JSON.stringify(query));
    assert.deepEqual(body.detail[0]!.loc, ['query', param]);
    assert.equal(typeof body.detail[0]!.msg, 'string');
  }
});

test('another account sees an empty list and cannot use this account\'s ids as cursors', async () => {
  const response = await fetch(`${server.url}/v5/sgp/secrets?limit=5`, { headers: { ...headers, 'x-selected-account-id': 'other-account' } });
  assert.deepEqual(await response.json(), { items: [], has_more: false, total: 0, limit: 5, object: 'list' });
  const cursor = await fetch(`${server.url}/v5/sgp/secrets?starting_after=${created[0]!.id}`, {
    headers: { ...headers, 'x-selected-account-id': 'other-account' },
  });
  assert.equal(cursor.status, 422);
});
