// Bulk creates and the audit trail: one entry per secret, or one per request listing the ids? Measured in-process on
// each storage's insertSecrets with 1,000 secrets per call: no entry, one entry per secret, and one entry for the
// request (its 1,000 ids in `detail`), in alternating runs; on SQLite, and on PostgreSQL with `--postgres` (starts a
// throwaway cluster). What it decided is in docs/architecture.md ("Audit trail and secret history").
//
//   node bench/audit-bulk.mjs [--runs 5] [--postgres]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { draft } from '../src/engine/audit/entry.ts';
import { openPostgresStorage } from '../src/engine/storage/postgres/index.ts';
import { openSqliteStorage } from '../src/engine/storage/sqlite.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, postgres: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const BULK = 1000;
const actor = { name: 'bench', osUser: null };
const id = () => randomBytes(16).toString('hex');

async function open() {
  if (!values.postgres) {
    const dir = mkdtempSync(join(tmpdir(), 'sstore-audit-bulk-'));
    const storage = await openSqliteStorage(join(dir, 'sstore.db'));
    return { storage, done: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const { startCluster } = await import('./lib/postgres.mjs');
  const cluster = (open.cluster ??= startCluster());
  return { storage: await openPostgresStorage(cluster.createDatabase(), 'bench'), done: () => {} };
}

const { storage, done } = await open();
await storage.migrate();
const store = { id: id(), namespace: 'cloudflare', accountId: 'acct', name: 'bench', managedBy: null, created: 1, modified: 1 };
await storage.insertStore(store, 10, draft(actor, 'store.create', Date.now() * 1000, { name: 'bench' }));

let n = 0;
async function bulk(mode) {
  const rows = Array.from({ length: BULK }, () => {
    const name = `B${n++}`;
    const record = { id: id(), storeId: store.id, name, comment: null, scopes: ['workers'], status: 'active', notBefore: null, expiresOn: null, created: 1, modified: 1, createdBy: 'bench', updatedBy: 'bench' };
    return { record, sealed: randomBytes(89) };
  });
  const time = Date.now() * 1000;
  const about = (row) => ({ namespace: 'cloudflare', storeId: store.id, secretId: row.record.id, name: row.record.name });
  const entries =
    mode === 'none'
      ? []
      : mode === 'each'
        ? rows.map((row) => draft(actor, 'secret.create', time, about(row)))
        : [draft(actor, 'secret.create', time, { namespace: 'cloudflare', storeId: store.id, detail: { ids: rows.map((r) => r.record.id).join(',') } })];
  const started = performance.now();
  await storage.insertSecrets(rows, store, 1e9, entries);
  return performance.now() - started;
}

const modes = ['none', 'each', 'request'];
const times = { none: [], each: [], request: [] };
for (let run = 0; run < runs; run++) {
  for (const mode of run % 2 ? [...modes].reverse() : modes) times[mode].push(await bulk(mode));
}
const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
const none = median(times.none);
process.stdout.write(
  `${values.postgres ? 'PostgreSQL' : 'SQLite'}, ${BULK} secrets per create, median of ${runs}: no entry ${none.toFixed(1)} ms; ` +
    `an entry per secret ${median(times.each).toFixed(1)} ms (×${(median(times.each) / none).toFixed(2)}); ` +
    `one entry per request ${median(times.request).toFixed(1)} ms (×${(median(times.request) / none).toFixed(2)})\n`,
);
await storage.close();
done();
process.exit(0);
