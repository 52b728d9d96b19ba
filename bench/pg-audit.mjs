// What appending to the audit chain costs on PostgreSQL, where every audited write takes the chain's advisory lock
// (src/engine/storage/postgres/audit.ts): creates of one secret each, 16 in flight, on the storage in-process, with an
// audit entry each against the same creates without one (no entry: no lock is taken), in alternating runs. Not run by
// `npm run bench` (it starts a cluster).
//
//   node bench/pg-audit.mjs [--runs 5] [--seconds 3] [--concurrency 16]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { draft } from '../src/engine/audit/entry.ts';
import { openPostgresStorage } from '../src/engine/storage/postgres/index.ts';
import { startCluster } from './lib/postgres.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, seconds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' } } });
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const actor = { name: 'bench', osUser: null };
const id = () => randomBytes(16).toString('hex');

const cluster = startCluster();
const url = cluster.createDatabase();
const storage = await openPostgresStorage(url, 'bench');
await storage.migrate();
const store = { id: id(), namespace: 'cloudflare', accountId: 'acct', name: 'bench', managedBy: null, created: 1, modified: 1 };
await storage.insertStore(store, 10, draft(actor, 'store.create', Date.now() * 1000, { name: 'bench' }));

let n = 0;
async function creates(audited) {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const secretId = id();
        const name = `S${n++}`;
        const record = { id: secretId, storeId: store.id, name, comment: null, scopes: ['workers'], status: 'active', notBefore: null, expiresOn: null, created: 1, modified: 1, createdBy: 'bench', updatedBy: 'bench' };
        const entries = audited ? [draft(actor, 'secret.create', Date.now() * 1000, { namespace: 'cloudflare', storeId: store.id, secretId, name })] : [];
        await storage.insertSecrets([{ record, sealed: randomBytes(89) }], store, 1e9, entries);
        done++;
      }
    }),
  );
  return done / seconds;
}

const rows = [];
for (let run = 1; run <= runs; run++) {
  const order = run % 2 ? [false, true] : [true, false];
  const figures = {};
  for (const audited of order) figures[audited ? 'audited' : 'plain'] = await creates(audited);
  rows.push(figures);
  process.stderr.write(`pg-audit: run ${run}: ${figures.plain.toFixed(0)} creates/s without entries, ${figures.audited.toFixed(0)} with\n`);
}
const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
const plain = median(rows.map((r) => r.plain));
const audited = median(rows.map((r) => r.audited));
const byRun = median(rows.map((r) => r.audited / r.plain));
process.stdout.write(
  `PostgreSQL ${cluster.version}, ${concurrency} in flight: ${plain.toFixed(0)} creates/s without audit entries, ${audited.toFixed(0)} with ` +
    `(×${(audited / plain).toFixed(3)}; run by run ×${byRun.toFixed(3)})\n`,
);
await storage.close();
process.exit(0);
