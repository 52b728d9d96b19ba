#!/usr/bin/env node
// The server benchmark of tracker issue 3: the real `sstore server start` against a bare node:http baseline started
// in the same run, both as child processes on loopback, loaded by autocannon from this process.
// Build first (`node scripts/build.mjs`). What each figure means and how to read it: bench/README.md.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API, VALUE, call, createStore, secretCount, seed } from './lib/api.mjs';
import { load, median } from './lib/load.mjs';
import { giveUpAfter, rssOf, runNode, stop, tempDir } from './lib/processes.mjs';
import { launcher, serverEnv, startBaseline, startSstore } from './lib/servers.mjs';

const ROOT = new URL('..', import.meta.url).pathname;

const TARGETS = {
  metadataRatio: 0.4,
  pageP99Ms: 20,
  createsPerSec: 1000,
  bulkMs: 1000,
  rssMb: 150,
  readyMs: 300,
};

const USAGE = `usage: node bench/server.mjs [options]

  --duration <s>          seconds per load scenario (default 10; 3 for a quick check)
  --connections <n>       connections for (a), (b), (c) and (d) (default 50)
  --page-connections <n>  connections for the p99 run of (c) (default 10)
  --store-size <n>        secrets in the store that (c) pages through (default 10000)
  --rss-secrets <n>       secrets seeded before reading the server's RSS (default 100000; 0 skips)
  --start-runs <n>        runs of \`server start\` and of \`node -e 0\` for the ready time (default 9)
  --bin <path>            the sstore launcher to measure (default: this checkout's bin/sstore.js)
  --timeout <s>           give up on the whole run after this many seconds (default 900)
  --json                  print one JSON object instead of the table
  --check                 exit 1 when a target is missed
  -h, --help              this text`;

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      'page-connections': { type: 'string', default: '10' },
      'store-size': { type: 'string', default: '10000' },
      'rss-secrets': { type: 'string', default: '100000' },
      'start-runs': { type: 'string', default: '9' },
      timeout: { type: 'string', default: '900' },
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
    connections: whole('connections', 1, 1000),
    pageConnections: whole('page-connections', 1, 1000),
    storeSize: whole('store-size', 100, 1_000_000),
    rssSecrets: whole('rss-secrets', 0, 1_000_000),
    startRuns: whole('start-runs', 1, 100),
    timeout: whole('timeout', 10, 86_400),
    bin: values.bin,
    json: values.json,
    check: values.check,
  };
}

class UsageError extends Error {}

let tmp;
let bin;
let env;
let authorization;
let logCount = 0;

/** A server on the data dir `name` of this run; the object is also the `server` argument of lib/api.mjs. */
async function sstoreServer(name) {
  const started = await startSstore({ bin, env, data: join(tmp, name), log: join(tmp, `${name}.${++logCount}.log`) });
  return { ...started, authorization };
}

function progress(line) {
  process.stderr.write(`bench: ${line}\n`);
}

async function main() {
  const o = options();
  bin = launcher(o.bin);
  tmp = tempDir('sstore-bench-');
  ({ env, authorization } = serverEnv(tmp));
  const cancelWatchdog = giveUpAfter(o.timeout);

  const report = {
    node: process.version,
    cpus: cpus().length,
    loadBefore: loadavg()[0],
    options: o,
    scenarios: {},
  };

  // (b), (c), (d) share one server; the baseline answers with (b)'s response body.
  progress('starting the sstore server');
  const sstore = await sstoreServer('main');
  const pageStore = await createStore(sstore, 'page');
  progress(`seeding ${o.storeSize} secrets in batches of 1000`);
  const seeded = await seed(sstore, pageStore, o.storeSize, 1000, 'page');
  const metadataPath = `${API}/stores/${pageStore}/secrets/${seeded.firstId}`;
  const { text: metadataBody } = await call(sstore, 'GET', metadataPath);
  const baseline = await startBaseline({ body: metadataBody, log: join(tmp, 'baseline.log') });

  const pages = Math.ceil(o.storeSize / 100);
  let page = 0;
  // Every page in turn, the deep offsets included.
  const pageRequest = {
    method: 'GET',
    setupRequest: (request) => ({ ...request, path: `${API}/stores/${pageStore}/secrets?per_page=100&page=${(page++ % pages) + 1}` }),
  };
  const createStoreId = await createStore(sstore, 'create');
  const createBody = JSON.stringify([{ name: 'c_[<id>]', value: VALUE, scopes: ['workers'], comment: null }]);
  const scenarios = [
    ['a', 'bare node:http, fixed JSON body', { url: baseline.url, connections: o.connections }],
    ['b', 'GET one secret (metadata)', { url: sstore.url + metadataPath, connections: o.connections }],
    // The baseline again, so that (b) is compared with the mean of two baselines around it, not one noisy sample.
    ['a2', 'bare node:http again', { url: baseline.url, connections: o.connections }],
    // Not a target: the floor of hono on @hono/node-server with the access log, no token and no database.
    ['h', 'GET /healthz (no auth, no database)', { url: `${sstore.url}/healthz`, connections: o.connections }],
    ['c50', `GET a page of 100 of ${o.storeSize}`, { url: sstore.url, connections: o.connections, requests: [pageRequest] }],
    ['c10', `GET a page of 100 of ${o.storeSize}`, { url: sstore.url, connections: o.pageConnections, requests: [pageRequest] }],
    [
      'd',
      'POST one secret (durable create)',
      {
        url: `${sstore.url}${API}/stores/${createStoreId}/secrets`,
        connections: o.connections,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: createBody,
        idReplacement: true,
      },
    ],
  ];
  for (const [key, label, opts] of scenarios) {
    progress(`(${key}) ${label}: ${opts.connections} connections, 1 s warm-up + ${o.duration} s`);
    await load(`(${key}) warm-up`, authorization, { ...opts, duration: 1 });
    const before = key === 'd' ? await secretCount(sstore, createStoreId) : 0;
    const figures = await load(`(${key})`, authorization, { ...opts, duration: o.duration });
    if (key === 'd') {
      // Every acknowledged create must be there; a few more may have landed after autocannon stopped counting.
      const created = (await secretCount(sstore, createStoreId)) - before;
      if (created < figures.ok || created > figures.ok + opts.connections) {
        throw new Error(`(d): ${figures.ok} creates acknowledged but the store grew by ${created}`);
      }
      figures.stored = created;
    }
    report.scenarios[key] = { label, ...figures };
  }
  report.baselineReqPerSec = (report.scenarios.a.reqPerSec + report.scenarios.a2.reqPerSec) / 2;
  for (const figures of Object.values(report.scenarios)) figures.ratio = figures.reqPerSec / report.baselineReqPerSec;
  report.bulkCreate = { secrets: 1000, requests: seeded.times.length, medianMs: median(seeded.times), maxMs: Math.max(...seeded.times) };
  await stop(sstore.child);
  await stop(baseline.child);

  // Ready time on a quiet machine, alternating with `node -e 0` so that both see the same noise.
  progress(`ready time: ${o.startRuns} runs of \`server start\` and of \`node -e 0\``);
  await stop((await sstoreServer('start')).child); // creates the database and the key file
  const ready = [];
  const bare = [];
  for (let i = 0; i < o.startRuns; i++) {
    bare.push(await runNode(['-e', '0']));
    const started = await sstoreServer('start');
    ready.push(started.readyMs);
    await stop(started.child);
  }
  report.ready = { runs: o.startRuns, medianMs: median(ready), minMs: Math.min(...ready), nodeMedianMs: median(bare) };

  if (o.rssSecrets > 0) {
    progress(`RSS: seeding ${o.rssSecrets} secrets in batches of 1000`);
    const big = await sstoreServer('rss');
    const store = await createStore(big, 'rss');
    const filled = await seed(big, store, o.rssSecrets, 1000, 'rss');
    const afterSeeding = rssOf(big.child.pid);
    await stop(big.child);
    const again = await sstoreServer('rss');
    await call(again, 'GET', `${API}/stores/${store}/secrets?per_page=100`);
    const afterRestart = rssOf(again.child.pid);
    await stop(again.child);
    report.rss = {
      secrets: o.rssSecrets,
      seedSeconds: filled.times.reduce((sum, ms) => sum + ms, 0) / 1000,
      bulkMedianMs: median(filled.times),
      afterSeedingMb: afterSeeding.rssMb,
      peakMb: afterSeeding.peakMb,
      afterRestartMb: afterRestart.rssMb,
      restartReadyMs: again.readyMs,
    };
  }

  report.loadAfter = loadavg()[0];
  report.targets = targetsOf(report);
  if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(render(report));
  cancelWatchdog();
  return o.check && report.targets.some((t) => !t.met) ? 1 : 0;
}

function targetsOf(r) {
  const list = [
    { name: '(b) req/s ≥ 40 % of (a) (mean of (a) and (a2))', value: r.scenarios.b.ratio, met: r.scenarios.b.ratio >= TARGETS.metadataRatio, shown: pct(r.scenarios.b.ratio) },
    { name: '(c) p99 < 20 ms at 10 connections', value: r.scenarios.c10.p99Ms, met: r.scenarios.c10.p99Ms < TARGETS.pageP99Ms, shown: `${r.scenarios.c10.p99Ms} ms` },
    { name: '(d) ≥ 1,000 durable creates/s', value: r.scenarios.d.reqPerSec, met: r.scenarios.d.reqPerSec >= TARGETS.createsPerSec, shown: `${num(r.scenarios.d.reqPerSec)}/s` },
    { name: '1,000-secret bulk create < 1 s (median)', value: r.bulkCreate.medianMs, met: r.bulkCreate.medianMs < TARGETS.bulkMs, shown: `${num(r.bulkCreate.medianMs)} ms` },
    { name: '`server start` ready < 300 ms (median)', value: r.ready.medianMs, met: r.ready.medianMs < TARGETS.readyMs, shown: `${num(r.ready.medianMs)} ms` },
  ];
  if (r.rss) {
    list.push({ name: `RSS with ${num(r.rss.secrets)} secrets < 150 MB`, value: r.rss.afterSeedingMb, met: r.rss.afterSeedingMb < TARGETS.rssMb, shown: `${num(r.rss.afterSeedingMb)} MB` });
  }
  return list;
}

function num(n) {
  return Math.round(n).toLocaleString('en-US');
}

function pct(ratio) {
  return `${(ratio * 100).toFixed(0)} %`;
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')).join('\n');
}

function render(r) {
  const rows = [['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'vs (a)+(a2)']];
  for (const [key, s] of Object.entries(r.scenarios)) {
    rows.push([`(${key}) ${s.label}`, s.connections, num(s.reqPerSec), s.p50Ms, s.p99Ms, pct(s.ratio)]);
  }
  const lines = [
    `sstore server benchmark — Node ${r.node}, ${r.cpus} CPUs, load ${r.loadBefore.toFixed(2)} → ${r.loadAfter.toFixed(2)}, ${r.options.duration} s per scenario`,
    '',
    table(rows),
    '',
    `bulk create of 1,000 secrets: median ${num(r.bulkCreate.medianMs)} ms, max ${num(r.bulkCreate.maxMs)} ms (${r.bulkCreate.requests} requests)`,
    `server start → listening: median ${num(r.ready.medianMs)} ms, min ${num(r.ready.minMs)} ms; \`node -e 0\`: median ${num(r.ready.nodeMedianMs)} ms (${r.ready.runs} runs each)`,
  ];
  if (r.rss) {
    lines.push(
      `RSS with ${num(r.rss.secrets)} secrets: ${num(r.rss.afterSeedingMb)} MB after seeding (peak ${num(r.rss.peakMb)} MB), ` +
        `${num(r.rss.afterRestartMb)} MB after a restart and one page; seeding took ${r.rss.seedSeconds.toFixed(1)} s, restart ready in ${num(r.rss.restartReadyMs)} ms`,
    );
  }
  lines.push('', 'targets:');
  for (const t of r.targets) lines.push(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.shown}`);
  return `${lines.join('\n')}\n`;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(error instanceof UsageError ? `bench: ${error.message}\n${USAGE}\n` : `bench: failed: ${error.stack ?? error}\n`);
  // Exit now: the servers still running would keep the event loop alive; the exit handler kills them.
  process.exit(error instanceof UsageError ? 64 : 1);
}
