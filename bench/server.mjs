#!/usr/bin/env node
// The server benchmark of tracker issue 3: the real `sstore server start` against a bare node:http baseline started
// in the same run, both as child processes on loopback, loaded by autocannon from this process.
// Build first (`node scripts/build.mjs`). What each figure means and how to read it: bench/README.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, fstatSync, rmSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const ROOT = new URL('..', import.meta.url).pathname;
const ACCOUNT = 'bench';
const API = `/client/v4/accounts/${ACCOUNT}/secrets_store`;
// Far above any count this script creates: the quota is not what is measured.
const QUOTA = '100000000';
const VALUE = 'x'.repeat(40);

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

// ---- child processes: every one is tracked and killed at exit, also on failure or Ctrl-C

const children = new Set();
let tmp;

function cleanUp() {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}: stopping\n`);
    process.exit(130);
  });
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stop(child) {
  if (exited(child)) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

function tailOf(file) {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 2_000);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trim();
  } finally {
    closeSync(fd);
  }
}

/**
 * Spawns `node <args>` with stderr going to a log file (the server's access log would otherwise have to be read by
 * this process while it drives the load) and resolves once stdout matches `ready`.
 */
function spawnUntil(args, { env, ready, log, timeoutMs = 20_000 }) {
  const fd = openSync(log, 'a');
  const started = performance.now();
  const child = track(spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', fd] }));
  closeSync(fd);
  let out = '';
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\n${tailOf(log)}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms from: node ${args.join(' ')}`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before it was ready: node ${args.join(' ')}`));
    child.stdout.on('data', (chunk) => {
      if (out === undefined) return;
      out += chunk.toString();
      const match = ready.exec(out);
      if (!match) return;
      const readyMs = performance.now() - started;
      out = undefined;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.once('exit', () => children.delete(child));
      resolve({ child, match, readyMs });
    });
  });
}

// ---- the two servers

let serverEnv;
let authorization;

function prepareEnv() {
  const token = `bench_${randomBytes(24).toString('base64url')}`;
  authorization = `Bearer ${token}`;
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SSTORE_')) env[key] = value;
  serverEnv = {
    ...env,
    HOME: join(tmp, 'home'),
    SSTORE_CONFIG_DIR: join(tmp, 'config'),
    SSTORE_CACHE_DIR: join(tmp, 'cache'),
    SSTORE_ROOT_TOKEN: token,
    SSTORE_NO_KEYCHAIN: '1',
    NO_COLOR: '1',
  };
}

let logCount = 0;

let bin;

async function startSstore(name) {
  const { child, match, readyMs } = await spawnUntil(
    [bin, 'server', 'start', '--port', '0', '--data', join(tmp, name), '--quota', QUOTA],
    { env: serverEnv, ready: /sstore server listening on (http:\/\/\S+)/, log: join(tmp, `${name}.${++logCount}.log`) },
  );
  return { child, url: match[1], readyMs };
}

// The fixed body is (b)'s own response, so both servers send the same bytes.
const BASELINE_SOURCE = `
const http = require('node:http');
const body = Buffer.from(process.env.BENCH_BODY);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log('baseline listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

async function startBaseline(body) {
  const { child, match } = await spawnUntil(['-e', BASELINE_SOURCE], {
    env: { ...process.env, BENCH_BODY: body },
    ready: /baseline listening on (http:\/\/\S+)/,
    log: join(tmp, 'baseline.log'),
  });
  return { child, url: match[1] };
}

// ---- the API, as a client would use it

async function call(base, method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  const response = await fetch(base + path, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    body: payload,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok || json.success !== true) {
    throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
  }
  return { json, text, ms };
}

async function createStore(base, name) {
  return (await call(base, 'POST', `${API}/stores`, { name })).json.result.id;
}

/** Fills a store through the array create endpoint, `batch` secrets per request; returns each request's time. */
async function seed(base, storeId, count, batch, prefix) {
  const times = [];
  let firstId;
  for (let done = 0; done < count; done += batch) {
    const size = Math.min(batch, count - done);
    const secrets = Array.from({ length: size }, (_, i) => ({
      name: `${prefix}_${String(done + i).padStart(7, '0')}`,
      value: VALUE,
      scopes: ['workers'],
      comment: 'seeded by bench/server.mjs',
    }));
    const { json, ms } = await call(base, 'POST', `${API}/stores/${storeId}/secrets`, secrets);
    if (json.result.length !== size) throw new Error(`asked for ${size} secrets, got ${json.result.length}`);
    firstId ??= json.result[0].id;
    times.push(ms);
  }
  return { times, firstId };
}

async function secretCount(base, storeId) {
  return (await call(base, 'GET', `${API}/stores/${storeId}/secrets?per_page=1`)).json.result_info.total_count;
}

// ---- measurements

async function load(label, opts) {
  const result = await autocannon({ ...opts, headers: { authorization, ...opts.headers } });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) {
    throw new Error(
      `${label}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts out of ${result.requests.total}`,
    );
  }
  return {
    connections: opts.connections,
    seconds: opts.duration,
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    ok: result['2xx'],
  };
}

function median(list) {
  const sorted = [...list].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

function runNode(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(spawn(process.execPath, args, { stdio: 'ignore' }));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`node ${args.join(' ')} exited with ${code}`));
    });
  });
}

function progress(line) {
  process.stderr.write(`bench: ${line}\n`);
}

async function main() {
  const o = options();
  bin = resolve(o.bin);
  if (!existsSync(bin) || !existsSync(join(bin, '..', '..', 'dist', 'sstore.js'))) {
    throw new Error(`${bin} or its dist/ is missing: run \`node scripts/build.mjs\` first`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'sstore-bench-'));
  prepareEnv();
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: gave up after --timeout ${o.timeout} s\n`);
    process.exit(2);
  }, o.timeout * 1000);
  watchdog.unref();

  const report = {
    node: process.version,
    cpus: cpus().length,
    loadBefore: loadavg()[0],
    options: o,
    scenarios: {},
  };

  // (b), (c), (d) share one server; the baseline answers with (b)'s response body.
  progress('starting the sstore server');
  const sstore = await startSstore('main');
  const pageStore = await createStore(sstore.url, 'page');
  progress(`seeding ${o.storeSize} secrets in batches of 1000`);
  const seeded = await seed(sstore.url, pageStore, o.storeSize, 1000, 'page');
  const metadataPath = `${API}/stores/${pageStore}/secrets/${seeded.firstId}`;
  const { text: metadataBody } = await call(sstore.url, 'GET', metadataPath);
  const baseline = await startBaseline(metadataBody);

  const pages = Math.ceil(o.storeSize / 100);
  let page = 0;
  // Every page in turn, the deep offsets included.
  const pageRequest = {
    method: 'GET',
    setupRequest: (request) => ({ ...request, path: `${API}/stores/${pageStore}/secrets?per_page=100&page=${(page++ % pages) + 1}` }),
  };
  const createStoreId = await createStore(sstore.url, 'create');
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
    await load(`(${key}) warm-up`, { ...opts, duration: 1 });
    const before = key === 'd' ? await secretCount(sstore.url, createStoreId) : 0;
    const figures = await load(`(${key})`, { ...opts, duration: o.duration });
    if (key === 'd') {
      // Every acknowledged create must be there; a few more may have landed after autocannon stopped counting.
      const created = (await secretCount(sstore.url, createStoreId)) - before;
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
  await stop((await startSstore('start')).child); // creates the database and the key file
  const ready = [];
  const bare = [];
  for (let i = 0; i < o.startRuns; i++) {
    bare.push(await runNode(['-e', '0']));
    const started = await startSstore('start');
    ready.push(started.readyMs);
    await stop(started.child);
  }
  report.ready = { runs: o.startRuns, medianMs: median(ready), minMs: Math.min(...ready), nodeMedianMs: median(bare) };

  if (o.rssSecrets > 0) {
    progress(`RSS: seeding ${o.rssSecrets} secrets in batches of 1000`);
    const big = await startSstore('rss');
    const store = await createStore(big.url, 'rss');
    const filled = await seed(big.url, store, o.rssSecrets, 1000, 'rss');
    const afterSeeding = rssOf(big.child.pid);
    await stop(big.child);
    const again = await startSstore('rss');
    await call(again.url, 'GET', `${API}/stores/${store}/secrets?per_page=100`);
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
  clearTimeout(watchdog);
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
  process.exitCode = error instanceof UsageError ? 64 : 1;
}
