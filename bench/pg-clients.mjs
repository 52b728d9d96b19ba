// Measures the two maintained PostgreSQL clients for Node, `pg` (node-postgres) and `postgres` (porsager), on what the
// server needs of one: the round trip of a prepared single-row select, throughput at concurrency 16 over a pool of 16,
// cold import time, and how each bundles with esbuild (the settings of scripts/build.mjs). The choice and its figures
// are in docs/architecture.md.
//
//   node bench/pg-clients.mjs <postgres URL> <dir>   dir holds pg/node_modules/pg and postgres/node_modules/postgres
//                                                    (npm install pg@X and postgres@Y in two folders), so the project
//                                                    itself keeps only the client it chose
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';

const [url, dir] = process.argv.slice(2);
if (!url || !dir) {
  console.error('usage: node bench/pg-clients.mjs <postgres URL> <dir with pg/ and postgres/ installs>');
  process.exit(2);
}
const ROWS = 1000;
const SEQUENTIAL = 3000;
const CONCURRENT = 30000;
const CONCURRENCY = 16;

function load(name) {
  return createRequire(join(dir, name, 'package.json'))(name);
}

function importMs(name) {
  const script = `const t=performance.now();require(${JSON.stringify(name)});console.log(performance.now()-t)`;
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(Number(execFileSync(process.execPath, ['-e', script], { cwd: join(dir, name) }).toString()));
  return Math.min(...runs);
}

async function bundleKb(name) {
  const result = await build({
    stdin: { contents: `import c from ${JSON.stringify(name)}; console.log(typeof c);`, resolveDir: join(dir, name) },
    bundle: true,
    platform: 'node',
    minify: true,
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  }).catch((error) => ({ error }));
  if (result.error) return `fails: ${result.error.errors?.[0]?.text ?? result.error.message}`;
  return `${Math.round(result.outputFiles[0].contents.length / 1024)} KB`;
}

/** Sequential round trips, then CONCURRENT queries with CONCURRENCY in flight. */
async function measure(label, query) {
  for (let i = 0; i < 200; i++) await query(i % ROWS); // warm the pool and the prepared statements
  let start = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) await query(i % ROWS);
  const roundTripUs = ((performance.now() - start) * 1000) / SEQUENTIAL;
  let next = 0;
  start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CONCURRENT) await query(next++ % ROWS);
    }),
  );
  const perSecond = CONCURRENT / ((performance.now() - start) / 1000);
  return { label, roundTripUs: Math.round(roundTripUs), perSecond: Math.round(perSecond) };
}

const pg = load('pg');
const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
await pool.query('DROP TABLE IF EXISTS bench_clients');
await pool.query('CREATE TABLE bench_clients (id int PRIMARY KEY, name text, value bytea)');
await pool.query(`INSERT INTO bench_clients SELECT g, 'name-' || g, decode(repeat('ab', 64), 'hex') FROM generate_series(0, ${ROWS - 1}) g`);

const results = [];
results.push(
  await measure('pg (Pool, named prepared statement)', async (id) => {
    const { rows } = await pool.query({ name: 'bench_get', text: 'SELECT id, name, value FROM bench_clients WHERE id = $1', values: [id] });
    if (rows.length !== 1) throw new Error('row missing');
  }),
);
results.push(
  await measure('pg (Pool, rowMode array)', async (id) => {
    const { rows } = await pool.query({ name: 'bench_get_a', text: 'SELECT id, name, value FROM bench_clients WHERE id = $1', values: [id], rowMode: 'array' });
    if (rows.length !== 1) throw new Error('row missing');
  }),
);
const postgres = load('postgres');
const sql = postgres(url, { max: CONCURRENCY, onnotice: () => {} });
results.push(
  await measure('postgres (prepared by default)', async (id) => {
    const rows = await sql`SELECT id, name, value FROM bench_clients WHERE id = ${id}`;
    if (rows.length !== 1) throw new Error('row missing');
  }),
);
results.push(
  await measure('postgres (.values())', async (id) => {
    const rows = await sql`SELECT id, name, value FROM bench_clients WHERE id = ${id}`.values();
    if (rows.length !== 1) throw new Error('row missing');
  }),
);
await pool.query('DROP TABLE bench_clients');
await pool.end();
await sql.end();

for (const r of results) console.log(`${r.label.padEnd(40)} round trip ${r.roundTripUs} µs   ${r.perSecond} queries/s at concurrency ${CONCURRENCY}`);
for (const name of ['pg', 'postgres']) {
  console.log(`${name.padEnd(40)} import ${importMs(name).toFixed(1)} ms   esbuild bundle ${await bundleKb(name)}`);
}
