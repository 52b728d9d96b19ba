// What the PostgreSQL backend's cache is worth, measured in-process on the storage path of the hottest request (GET
// one secret's metadata: the freshness check, then token, store and secret lookups): with the cache kept coherent by
// the version row (the default) and with no cache at all (every lookup asks the database), SQLite's storage as the
// reference, in alternating runs of one process. This decided the coherence mechanism (docs/architecture.md); the
// whole server is measured by bench/postgres.mjs.
//
//   node bench/pg-coherence.mjs <postgres admin URL> [--runs 3] [--seconds 3] [--concurrency 16]
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPostgresStorage } from '../src/engine/storage/postgres/index.ts';
import { openSqliteStorage } from '../src/engine/storage/sqlite.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' } },
});
const admin = positionals[0];
if (!admin) {
  console.error('usage: node bench/pg-coherence.mjs <postgres admin URL> [--runs n] [--seconds s] [--concurrency n]');
  process.exit(2);
}
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const name = `sstore_bench_${randomBytes(4).toString('hex')}`;
const adminClient = new pg.Client(admin);
await adminClient.connect();
await adminClient.query(`CREATE DATABASE ${name}`);
const url = Object.assign(new URL(admin), { pathname: `/${name}` }).href;
const dir = mkdtempSync(join(tmpdir(), 'sstore-bench-'));

const token = 'bench-token';
const hash = createHash('sha256').update(token).digest('hex');
const now = Date.now() * 1000;
const store = { id: 'a'.repeat(32), namespace: 'cloudflare', accountId: 'acct', name: 'bench', managedBy: null, created: now, modified: now };
const secret = {
  id: 'b'.repeat(32),
  storeId: store.id,
  name: 'SECRET',
  comment: null,
  scopes: ['workers'],
  status: 'active',
  notBefore: null,
  expiresOn: null,
  created: now,
  modified: now,
  createdBy: null,
  updatedBy: null,
};
async function seed(storage) {
  await storage.migrate();
  await storage.insertStore(store, 10);
  await storage.insertSecrets([{ record: secret, sealed: randomBytes(64) }], store, 100);
  await storage.insertToken({ id: 'tok', name: 'bench', permissions: ['admin'], account: null, service: null, created: now }, hash, 'fail');
}

/** What a cached GET of one secret asks of storage, as the server does it (src/server/app.ts, dialects). */
async function get(storage) {
  await storage.revalidate();
  if (!(await storage.findTokenByHash(hash))) throw new Error('token missing');
  if (!(await storage.getStore('cloudflare', 'acct', store.id))) throw new Error('store missing');
  if (!(await storage.getSecret(store.id, secret.id))) throw new Error('secret missing');
}

/** GETs per second at `concurrency` in flight, each of them waiting for the next turn as a new request would. */
async function measure(storage) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await new Promise(setImmediate);
        await get(storage);
        done++;
      }
    }),
  );
  return done / seconds;
}

const seeder = await openPostgresStorage(url, name);
await seed(seeder);
await seeder.close();
const sqlitePath = join(dir, 'sstore.db');
const sqliteSeeder = await openSqliteStorage(sqlitePath);
await seed(sqliteSeeder);
await sqliteSeeder.close();

const backends = {
  'sqlite (cached, data_version)': () => openSqliteStorage(sqlitePath),
  'postgres, cache + version row': () => openPostgresStorage(url, name),
  'postgres, no cache': () => openPostgresStorage(url, name, { cache: false }),
};
const results = Object.fromEntries(Object.keys(backends).map((label) => [label, []]));
try {
  for (let run = 0; run < runs; run++) {
    for (const [label, open] of Object.entries(backends)) {
      const storage = await open();
      for (let i = 0; i < 200; i++) await get(storage); // warm: connections, prepared plans, caches
      results[label].push(await measure(storage));
      await storage.close();
    }
  }
} finally {
  await adminClient.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await adminClient.end();
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const reference = median(results['sqlite (cached, data_version)']);
for (const [label, rates] of Object.entries(results)) {
  const m = median(rates);
  console.log(`${label.padEnd(32)} ${Math.round(m).toString().padStart(7)} GETs/s (median of ${runs})  ${((m / reference) * 100).toFixed(0).padStart(4)} % of SQLite   ${Math.round((1e6 * concurrency) / m)} µs each at concurrency ${concurrency}`);
}
