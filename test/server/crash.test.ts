import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sqliteOnly } from '../helpers/backend.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { ROOT_TOKEN, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

function walSize(dataDir: string): number {
  try {
    return statSync(join(dataDir, 'sstore.db-wal')).size;
  } catch {
    return 0;
  }
}

// SQLite only: it times the kill by the growth of the WAL file and checks the database file's integrity afterwards.
test('SIGKILL during a bulk create of 1,000 secrets leaves none or all of them', { timeout: 120_000, ...sqliteOnly('times the kill by the WAL file, checks sstore.db') }, async (t) => {
  const cf = await startCf();
  const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
  // 1,000 values of 16 KiB: big enough that SQLite spills pages into the WAL long before the commit.
  const body = JSON.stringify(
    Array.from({ length: 1000 }, (_, i) => ({ name: `BULK_${i}`, value: randomBytes(12_288).toString('base64'), scopes: ['workers'] })),
  );
  const baseline = walSize(cf.dataDir);
  let answered = false;
  const request = fetch(`${cf.server.api}${secretsPath(store)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ROOT_TOKEN}`, 'content-type': 'application/json' },
    body,
  }).then(
    (response) => {
      answered = true;
      return response.status;
    },
    () => 'connection lost',
  );
  // Kill as soon as the transaction is visibly writing (the WAL grows), i.e. between BEGIN and COMMIT.
  const deadline = Date.now() + 60_000;
  while (!answered && walSize(cf.dataDir) - baseline < 2 * 1024 * 1024 && Date.now() < deadline) await sleep(1);
  cf.server.child.kill('SIGKILL');
  const outcome = await request;
  t.diagnostic(`request outcome: ${outcome}; WAL grew by ${walSize(cf.dataDir) - baseline} bytes before the kill`);

  const reopened = await startCf({ env: cf.env, dataDir: cf.dataDir });
  const list = await reopened.call<WireSecret[]>('GET', `${secretsPath(store)}?per_page=100`);
  assert.equal(list.status, 200);
  const count = list.json.result_info.total_count;
  t.diagnostic(`secrets after the crash: ${count}`);
  assert.ok(count === 0 || count === 1000, `a crash left ${count} of 1,000 secrets`);
  if (outcome === 200) assert.equal(count, 1000);
  // The store still works: the same names can be created now (if they were not) and the quota agrees.
  const quota = await reopened.sdk().secretsStore.quota.get({ account_id: '985e105f4ecef8ad9ca31a8372d0c353' });
  assert.equal(quota.secrets.usage, count);
  const retry = await reopened.call('POST', secretsPath(store), { body: [{ name: count === 0 ? 'BULK_0' : 'AFTER', value: 'v', scopes: ['workers'] }] });
  assert.equal(retry.status, 200, retry.text);
  assert.equal(await reopened.server.stop(), 0);
  const db = new DatabaseSync(join(cf.dataDir, 'sstore.db'));
  assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
  db.close();
});

test('two servers writing to one data dir at once lose nothing', { timeout: 120_000 }, async () => {
  const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT_TOKEN });
  const dataDir = tempDir();
  // Started together on a fresh data dir: they must agree on one master key and one root token.
  const [a, b] = await Promise.all([startCf({ env, dataDir }), startCf({ env, dataDir })]);
  const store = (await a.call<WireStore>('POST', storesPath(), { body: { name: 'shared' } })).json.result.id;
  const PER_SERVER = 300;
  const WORKERS = 4;
  const write = async (server: typeof a, prefix: string) => {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < PER_SERVER; i = next++) {
        const reply = await server.call('POST', secretsPath(store), { body: [{ name: `${prefix}_${i}`, value: `${prefix}-value-${i}`, scopes: ['workers'] }] });
        assert.equal(reply.status, 200, reply.text);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
  };
  await Promise.all([write(a, 'A'), write(b, 'B')]);

  const names = new Set<string>();
  for (let page = 1; ; page++) {
    const reply = await b.call<WireSecret[]>('GET', `${secretsPath(store)}?per_page=100&page=${page}`);
    if (reply.json.result.length === 0) break;
    for (const s of reply.json.result) names.add(s.name);
  }
  assert.equal(names.size, 2 * PER_SERVER);
  for (let i = 0; i < PER_SERVER; i++) assert.ok(names.has(`A_${i}`) && names.has(`B_${i}`), `lost A_${i} or B_${i}`);
  // Each server reads what the other one wrote, with the one shared key.
  const fromA = (await a.call<WireSecret[]>('GET', `${secretsPath(store)}?search=B_7&order=name&direction=asc`)).json.result[0]!.id;
  assert.equal((await a.reveal(store, fromA)).value, 'B-value-7');
  assert.equal(await a.server.stop(), 0);
  assert.equal(await b.server.stop(), 0);
});
