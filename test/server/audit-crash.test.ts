import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyChain } from '../../src/engine/audit/verify.ts';
import { openStorage } from '../../src/engine/storage/target.ts';
import { BACKEND, databaseFor } from '../helpers/backend.ts';
import { ROOT_TOKEN, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

// A crash leaves a mutation and its audit entries both or neither: a server killed while it stores a 1,000-secret
// create, five times, each time at another moment, and the trail names exactly the secrets that were stored.

const RUNS = 5;

function walSize(dataDir: string): number {
  try {
    return statSync(join(dataDir, 'sstore.db-wal')).size;
  } catch {
    return 0;
  }
}

/** Kills the server at a different moment each run: SQLite by the WAL's growth (mid-transaction), else by time. */
async function killDuringWrite(run: number, dataDir: string, answered: () => boolean, kill: () => void): Promise<void> {
  if (BACKEND === 'sqlite') {
    const baseline = walSize(dataDir);
    const deadline = Date.now() + 60_000;
    // Early, midway, late in the transaction; the last run once the response came (after the commit).
    const threshold = [1, 4, 8, 14, Number.POSITIVE_INFINITY][run % 5]! * 1024 * 1024;
    while (!answered() && walSize(dataDir) - baseline < threshold && Date.now() < deadline) await sleep(1);
  } else {
    // The last run waits for the response (after the commit), as on SQLite.
    const deadline = Date.now() + (run === RUNS - 1 ? 60_000 : 150 + run * 300);
    while (!answered() && Date.now() < deadline) await sleep(1);
  }
  kill();
}

async function storedIds(cf: Awaited<ReturnType<typeof startCf>>, store: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page = 1; ; page++) {
    const reply = await cf.call<WireSecret[]>('GET', `${secretsPath(store)}?per_page=100&page=${page}`);
    assert.equal(reply.status, 200, reply.text);
    for (const secret of reply.json.result) ids.add(secret.id);
    if (reply.json.result.length < 100) return ids;
  }
}

test(`SIGKILL during a 1,000-secret bulk create, ${RUNS} times: the audit trail names exactly what was stored`, { timeout: 600_000 }, async (t) => {
  const outcomes: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const cf = await startCf();
    const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
    const body = JSON.stringify(
      Array.from({ length: 1000 }, (_, i) => ({ name: `BULK_${i}`, value: randomBytes(12_288).toString('base64'), scopes: ['workers'] })),
    );
    let answered = false;
    const request = fetch(`${cf.server.api}${secretsPath(store)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ROOT_TOKEN}`, 'content-type': 'application/json' },
      body,
    }).then(
      (response) => {
        answered = true;
        return String(response.status);
      },
      () => 'connection lost',
    );
    await killDuringWrite(run, cf.dataDir, () => answered, () => cf.server.child.kill('SIGKILL'));
    const outcome = await request;

    const reopened = await startCf({ env: cf.env, dataDir: cf.dataDir });
    const ids = await storedIds(reopened, store);
    assert.equal(await reopened.server.stop(), 0);
    outcomes.push(`${outcome}: ${ids.size} stored`);
    assert.ok(ids.size === 0 || ids.size === 1000, `a crash left ${ids.size} of 1,000 secrets`);
    if (outcome === '200') assert.equal(ids.size, 1000);

    const storage = await openStorage(
      BACKEND === 'sqlite' ? { kind: 'sqlite', dataDir: cf.dataDir } : { kind: 'postgres', url: await databaseFor(cf.dataDir) },
    );
    try {
      const entries = await storage.listAudit({});
      assert.equal(verifyChain(entries).problem, undefined, verifyChain(entries).problem?.message);
      const created = entries.filter((e) => e.action === 'secret.create' && e.storeId === store);
      assert.deepEqual(new Set(created.map((e) => e.secretId)), ids, 'one secret.create per stored secret, none for one not stored');
      assert.equal(created.length, ids.size);
      assert.ok(created.every((e) => e.actor === 'root' && /^BULK_\d+$/.test(e.name ?? '')));
    } finally {
      await storage.close();
    }
  }
  t.diagnostic(outcomes.join('; '));
});
