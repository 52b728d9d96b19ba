#!/usr/bin/env node
// Issue 13's benchmark: `sstore server` on PostgreSQL against the SQLite server in the same run. GET one secret
// through 1, 2 and 3 instances on one database, durable creates per second, and what coherence between instances
// costs a request. Starts its own throwaway cluster (scripts/postgres.sh); build first (`node scripts/build.mjs`).
// What each figure means and how to read it: bench/README.md.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API, VALUE, call, createStore, secretCount } from './lib/api.mjs';
import { load, median } from './lib/load.mjs';
import { masterKey, startCluster } from './lib/postgres.mjs';
import { giveUpAfter, stop, tempDir } from './lib/processes.mjs';
import { launcher, serverEnv, startSstore } from './lib/servers.mjs';

const ROOT = new URL('..', import.meta.url).pathname;

// The target: one instance on PostgreSQL answers cached GETs at ≥ 50 % of the SQLite server's rate.
const TARGET_GET_RATIO = 0.5;

const USAGE = `usage: node bench/postgres.mjs [options]

  --duration <s>        seconds per load scenario (default 3)
  --rounds <n>          rounds of the GET scenarios, each in another order; medians are reported (default 3)
  --connections <n>     connections of each load, shared out among the instances loaded (default 48)
  --coherence-runs <n>  GETs timed with and without a write on another instance before each (default 300)
  --bin <path>          the sstore launcher to measure (default: this checkout's bin/sstore.js)
  --timeout <s>         give up on the whole run after this many seconds (default 600)
  --json                print one JSON object instead of the table
  --check               exit 1 when the target is missed
  -h, --help            this text`;

class UsageError extends Error {}

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '48' },
      'coherence-runs': { type: 'string', default: '300' },
      timeout: { type: 'string', default: '600' },
      bin: { type: 'string', default: join(ROOT, 'bin', 'sstore.js') },
      json: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const whole = (name, min, max) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  return {
    duration: whole('duration', 1, 600),
    rounds: whole('rounds', 1, 100),
    connections: whole('connections', 3, 1000),
    coherenceRuns: whole('coherence-runs', 10, 100_000),
    timeout: whole('timeout', 10, 86_400),
    bin: values.bin,
    json: values.json,
    check: values.check,
  };
}

function progress(line) {
  process.stderr.write(`bench: ${line}\n`);
}

/** One store holding one secret (the one every GET reads) and a second one (the one the coherence writes touch). */
async function seedOne(server, name) {
  const store = await createStore(server, name);
  const { json } = await call(server, 'POST', `${API}/stores/${store}/secrets`, [
    { name: 'READ_ME', value: VALUE, scopes: ['workers'], comment: null },
    { name: 'WRITE_ME', value: VALUE, scopes: ['workers'], comment: null },
  ]);
  return { store, read: `${API}/stores/${store}/secrets/${json.result[0].id}`, write: `${API}/stores/${store}/secrets/${json.result[1].id}` };
}

/** The same GET through several servers at once, the connections shared out among them; req/s summed. */
async function getThrough(label, authorization, servers, path, o) {
  const share = Math.floor(o.connections / servers.length);
  const run = (duration) => Promise.all(servers.map((s, i) => load(`${label} #${i + 1}`, authorization, { url: s.url + path, connections: share, duration })));
  await run(1);
  const parts = await run(o.duration);
  return {
    instances: servers.length,
    connections: share * servers.length,
    reqPerSec: parts.reduce((sum, p) => sum + p.reqPerSec, 0),
    p50Ms: Math.max(...parts.map((p) => p.p50Ms)),
    p99Ms: Math.max(...parts.map((p) => p.p99Ms)),
  };
}

/** Durable creates, one secret per request with a unique name; every acknowledged one must be stored. */
async function creates(label, authorization, server, o) {
  const store = await createStore(server, `creates_${label.replace(/\W/g, '_')}`);
  const opts = {
    url: `${server.url}${API}/stores/${store}/secrets`,
    connections: o.connections,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ name: 'c_[<id>]', value: VALUE, scopes: ['workers'], comment: null }]),
    idReplacement: true,
  };
  await load(`${label} warm-up`, authorization, { ...opts, duration: 1 });
  const before = await secretCount(server, store);
  const figures = await load(label, authorization, { ...opts, duration: o.duration });
  const stored = (await secretCount(server, store)) - before;
  // Up to one request per connection of the warm-up and of the run may land after autocannon stopped counting.
  if (stored < figures.ok || stored > figures.ok + 2 * o.connections) throw new Error(`${label}: ${figures.ok} creates acknowledged but ${stored} stored`);
  return { reqPerSec: figures.reqPerSec, p50Ms: figures.p50Ms, p99Ms: figures.p99Ms };
}

/**
 * The cost of coherence per request: one client times a GET on `reader`, alternately right after another GET (the
 * answer comes from its caches) and right after a write of another secret through `writer` (another process: the
 * reader must notice the change, drop what it cached and read again). Medians in µs.
 */
async function coherence(reader, writer, seeded, runs) {
  const quiet = [];
  const afterWrite = [];
  await call(reader, 'GET', seeded.read);
  for (let i = 0; i < runs; i++) {
    quiet.push((await call(reader, 'GET', seeded.read)).ms * 1000);
    await call(writer, 'PATCH', seeded.write, { comment: `write ${i}` });
    afterWrite.push((await call(reader, 'GET', seeded.read)).ms * 1000);
  }
  const q = median(quiet);
  const w = median(afterWrite);
  return { runs, quietUs: q, afterWriteUs: w, costUs: w - q };
}

let logCount = 0;

async function main() {
  const o = options();
  const bin = launcher(o.bin);
  const tmp = tempDir('sstore-bench-pg-run-');
  const { env, authorization } = serverEnv(tmp);
  const pgEnv = { ...env, SSTORE_MASTER_KEY: masterKey() };
  const cancelWatchdog = giveUpAfter(o.timeout);
  const log = (name) => join(tmp, `${name}.${++logCount}.log`);

  progress('starting a throwaway PostgreSQL cluster (scripts/postgres.sh)');
  const cluster = startCluster();
  const database = cluster.createDatabase();
  const report = { node: process.version, cpus: cpus().length, postgres: cluster.version, loadBefore: loadavg()[0], options: o, get: {}, creates: {}, coherence: {} };

  progress('starting the SQLite server and three instances on one PostgreSQL database');
  const sqlite = { ...(await startSstore({ bin, env, data: join(tmp, 'sqlite'), log: log('sqlite') })), authorization };
  const pg = [];
  // One after the other: the first one migrates the new database, the others find it ready.
  for (let i = 0; i < 3; i++) pg.push({ ...(await startSstore({ bin, env: pgEnv, database, log: log(`pg${i + 1}`) })), authorization });
  const onSqlite = await seedOne(sqlite, 'sqlite');
  const onPg = await seedOne(pg[0], 'pg');

  const gets = [
    ['sqlite', 'SQLite server', [sqlite], onSqlite.read],
    ['pg1', 'PostgreSQL, 1 instance', pg.slice(0, 1), onPg.read],
    ['pg2', 'PostgreSQL, 2 instances', pg.slice(0, 2), onPg.read],
    ['pg3', 'PostgreSQL, 3 instances', pg, onPg.read],
  ];
  // Each round in another order (rotated), so that no scenario always runs first or last while the machine's load
  // moves; each figure is the median over the rounds, and each ratio the median of that round's ratios to SQLite.
  const runs = Object.fromEntries(gets.map(([key]) => [key, []]));
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < gets.length; i++) {
      const [key, label, servers, path] = gets[(i + round) % gets.length];
      progress(`round ${round + 1}/${o.rounds}: GET one secret, ${label}, ${o.connections} connections, 1 s warm-up + ${o.duration} s`);
      runs[key].push(await getThrough(key, authorization, servers, path, o));
    }
  }
  for (const [key, label] of gets) {
    const list = runs[key];
    report.get[key] = {
      label,
      instances: list[0].instances,
      connections: list[0].connections,
      reqPerSec: median(list.map((r) => r.reqPerSec)),
      p50Ms: median(list.map((r) => r.p50Ms)),
      p99Ms: median(list.map((r) => r.p99Ms)),
      ratio: median(list.map((r, round) => r.reqPerSec / runs.sqlite[round].reqPerSec)),
      rounds: list.map((r) => Math.round(r.reqPerSec)),
    };
  }

  progress(`durable creates: SQLite, then PostgreSQL (1 instance), ${o.connections} connections`);
  report.creates.sqlite = { label: 'SQLite server', ...(await creates('creates on SQLite', authorization, sqlite, o)) };
  report.creates.pg1 = { label: 'PostgreSQL, 1 instance', ...(await creates('creates on PostgreSQL', authorization, pg[0], o)) };
  report.creates.pg1.ratio = report.creates.pg1.reqPerSec / report.creates.sqlite.reqPerSec;

  progress(`coherence: ${o.coherenceRuns} GETs after a GET and after another process's write, on each backend`);
  // SQLite's counterpart of a second instance: a second server on the same data dir.
  const sqliteTwin = { ...(await startSstore({ bin, env, data: join(tmp, 'sqlite'), log: log('sqlite-twin') })), authorization };
  report.coherence.sqlite = { label: 'SQLite, two servers on one data dir', ...(await coherence(sqlite, sqliteTwin, onSqlite, o.coherenceRuns)) };
  report.coherence.pg = { label: 'PostgreSQL, two instances', ...(await coherence(pg[0], pg[1], onPg, o.coherenceRuns)) };
  await Promise.all([sqlite, sqliteTwin, ...pg].map((s) => stop(s.child)));

  report.loadAfter = loadavg()[0];
  report.target = {
    name: 'one PostgreSQL instance ≥ 50 % of the SQLite server on cached GETs',
    value: report.get.pg1.ratio,
    met: report.get.pg1.ratio >= TARGET_GET_RATIO,
  };
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
  cancelWatchdog();
  return o.check && !report.target.met ? 1 : 0;
}

const num = (n) => Math.round(n).toLocaleString('en-US');
const pct = (ratio) => `${(ratio * 100).toFixed(0)} %`;

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')).join('\n');
}

function render(r) {
  const get = [['GET one secret (medians)', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'vs SQLite', 'req/s by round']];
  for (const s of Object.values(r.get)) get.push([s.label, s.connections, num(s.reqPerSec), s.p50Ms, s.p99Ms, pct(s.ratio), s.rounds.map(num).join(' / ')]);
  const created = [['durable creates', 'req/s', 'p50 ms', 'p99 ms', 'vs SQLite']];
  for (const s of Object.values(r.creates)) created.push([s.label, num(s.reqPerSec), s.p50Ms, s.p99Ms, s.ratio === undefined ? '' : pct(s.ratio)]);
  const coherent = [['GET after a write elsewhere', 'quiet µs', 'after write µs', 'cost µs']];
  for (const s of Object.values(r.coherence)) coherent.push([s.label, num(s.quietUs), num(s.afterWriteUs), num(s.costUs)]);
  return [
    `sstore on PostgreSQL ${r.postgres} vs SQLite — Node ${r.node}, ${r.cpus} CPUs, load ${r.loadBefore.toFixed(2)} → ${r.loadAfter.toFixed(2)}, ${r.options.duration} s per scenario, ${r.options.rounds} rounds of GETs`,
    '',
    table(get),
    '',
    table(created),
    '',
    table(coherent),
    '',
    `target: ${r.target.met ? 'met   ' : 'MISSED'}  ${r.target.name}: ${pct(r.target.value)}`,
    '',
  ].join('\n');
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(error instanceof UsageError ? `bench: ${error.message}\n${USAGE}\n` : `bench: failed: ${error.stack ?? error}\n`);
  process.exit(error instanceof UsageError ? 64 : 1);
}
