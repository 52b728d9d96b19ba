#!/usr/bin/env node
// A/B comparison of two builds of `sstore server start` on its hottest request, GET one secret (or, with `--request`,
// a page listing, a create or a PATCH of a value), next to the bare node:http baseline, run after run in alternation so that both builds see the
// same noise. Reports req/s and the server process's CPU time per request. How to make a launcher of another commit
// and how to read the output: bench/README.md. Not run by bench/run.mjs: it needs two builds.
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API, call, createStore, seed, VALUE } from './lib/api.mjs';
import { load, median } from './lib/load.mjs';
import { cpuMicrosOf, giveUpAfter, stop, tempDir } from './lib/processes.mjs';
import { launcher, serverEnv, startBaseline, startSstore } from './lib/servers.mjs';

const USAGE = `usage: node bench/ab.mjs --a <launcher> --b <launcher> [options]

  --a <path>             the reference build: a bin/sstore.js with its built dist/ next to bin/
  --b <path>             the build under test (the same path as --a shows the noise floor)
  --runs <n>             runs; each loads the baseline, then A and B in alternating order (default 7)
  --duration <s>         seconds of measured load per server and run, after a 1 s warm-up (default 2)
  --connections <n>      autocannon connections (default 50)
  --request <what>       secret: GET one secret (default); page: GET every page of 100 of a store in turn;
                         create: POST one new secret per request; patch: PATCH one secret's value;
                         reveal: GET one secret's value
  --store-size <n>       secrets in the store that --request page walks (default 2000)
  --timeout <s>          give up on the whole comparison after this many seconds (default 600)
  --json                 print one JSON object instead of the table
  -h, --help             this text`;

class UsageError extends Error {}

const REQUEST_TITLE = {
  secret: () => 'GET one secret',
  page: (o) => `GET every page of 100 of ${o.storeSize}`,
  create: () => 'POST one new secret',
  patch: () => "PATCH one secret's value",
  reveal: () => "GET one secret's value",
};

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        a: { type: 'string' },
        b: { type: 'string' },
        runs: { type: 'string', default: '7' },
        duration: { type: 'string', default: '2' },
        connections: { type: 'string', default: '50' },
        request: { type: 'string', default: 'secret' },
        'store-size': { type: 'string', default: '2000' },
        timeout: { type: 'string', default: '600' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.a === undefined || values.b === undefined) throw new UsageError('both --a and --b are required');
  const whole = (name, min, max) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const bin = (name) => {
    try {
      return launcher(values[name]);
    } catch (error) {
      throw new UsageError(`--${name}: ${error.message}`);
    }
  };
  if (!['secret', 'page', 'create', 'patch', 'reveal'].includes(values.request)) {
    throw new UsageError('--request must be secret, page, create, patch or reveal');
  }
  return {
    request: values.request,
    storeSize: whole('store-size', 100, 1_000_000),
    a: bin('a'),
    b: bin('b'),
    runs: whole('runs', 1, 99),
    duration: whole('duration', 1, 600),
    connections: whole('connections', 1, 1000),
    timeout: whole('timeout', 10, 86_400),
    json: values.json,
  };
}

function progress(line) {
  process.stderr.write(`ab: ${line}\n`);
}

let tmp;
let env;
let authorization;

/**
 * A build on a fresh data dir, seeded through the API: one store and one secret (`--request secret`), or a store of
 * `--store-size` secrets whose pages of 100 `requests` walks in turn, as server.mjs's (c) does (`--request page`).
 */
async function seededSstore(bin, name, o) {
  const data = join(tmp, name);
  const started = await startSstore({ bin, env, data, log: join(tmp, `${name}.log`) });
  const server = { ...started, authorization, data };
  const storeId = await createStore(server, 'ab');
  if (o.request === 'secret' || o.request === 'reveal') {
    const { firstId } = await seed(server, storeId, 1, 1, 'ab');
    return { ...server, path: `${API}/stores/${storeId}/secrets/${firstId}${o.request === 'reveal' ? '/value' : ''}` };
  }
  const json = { 'content-type': 'application/json' };
  if (o.request === 'create') {
    // A new name each request: every one is a create (and, with auditing, an entry).
    const path = `${API}/stores/${storeId}/secrets`;
    let n = 0;
    const body = () => JSON.stringify([{ name: `C_${name}_${n++}`, value: VALUE, scopes: ['workers'] }]);
    return { ...server, path, requests: [{ method: 'POST', path, headers: json, setupRequest: (request) => ({ ...request, body: body() }) }] };
  }
  if (o.request === 'patch') {
    // A new value each request: with history, each keeps the one it replaces (and trims beyond the kept number).
    const { firstId } = await seed(server, storeId, 1, 1, 'ab');
    const path = `${API}/stores/${storeId}/secrets/${firstId}`;
    let n = 0;
    const body = () => JSON.stringify({ value: `${VALUE}-${n++}` });
    return { ...server, path, requests: [{ method: 'PATCH', path, headers: json, setupRequest: (request) => ({ ...request, body: body() }) }] };
  }
  await seed(server, storeId, o.storeSize, 1000, 'ab');
  const pages = Math.ceil(o.storeSize / 100);
  const pageOf = (n) => `${API}/stores/${storeId}/secrets?per_page=100&page=${n}`;
  let page = 0;
  const requests = [{ method: 'GET', setupRequest: (request) => ({ ...request, path: pageOf((page++ % pages) + 1) }) }];
  return { ...server, path: pageOf(1), requests };
}

/** One variant's turn in one run: a fresh server, 1 s of warm-up, then the measured load and its CPU time. */
async function measure(variant, run, o, baselineBody) {
  const name = `${variant.key}-${run}`;
  const server =
    variant.bin === undefined
      ? { ...(await startBaseline({ body: baselineBody, log: join(tmp, `${name}.log`) })), path: '/' }
      : await seededSstore(variant.bin, name, o);
  try {
    const opts = server.requests
      ? { url: server.url, requests: server.requests, connections: o.connections }
      : { url: server.url + server.path, connections: o.connections };
    await load(`run ${run} ${variant.label} warm-up`, authorization, { ...opts, duration: 1 });
    const cpuBefore = cpuMicrosOf(server.child.pid);
    const figures = await load(`run ${run} ${variant.label}`, authorization, { ...opts, duration: o.duration });
    const cpuUs = cpuMicrosOf(server.child.pid) - cpuBefore;
    return { ...figures, cpuUsPerReq: cpuUs / figures.requests };
  } finally {
    await stop(server.child);
    if (server.data) rmSync(server.data, { recursive: true, force: true });
  }
}

/** The response the baseline sends: the bytes build A answers to the measured request. Also checks that B starts. */
async function probe(a, b, o) {
  const bodies = {};
  for (const [key, bin] of [['a', a], ['b', b]]) {
    const server = await seededSstore(bin, `probe-${key}`, o);
    try {
      bodies[key] = (await call(server, 'GET', server.path)).text;
    } finally {
      await stop(server.child);
    }
  }
  return bodies;
}

function spread(list) {
  return { median: median(list), min: Math.min(...list), max: Math.max(...list) };
}

async function main() {
  const o = options();
  const { a, b } = o;
  tmp = tempDir('sstore-ab-');
  ({ env, authorization } = serverEnv(tmp));
  const cancelWatchdog = giveUpAfter(o.timeout);
  const report = { node: process.version, cpus: cpus().length, loadBefore: loadavg()[0], options: o };

  progress('checking that both builds start and answer');
  const bodies = await probe(a, b, o);
  report.bodyBytes = { a: Buffer.byteLength(bodies.a), b: Buffer.byteLength(bodies.b) };

  const bare = { key: 'bare', label: 'bare node:http' };
  const variantA = { key: 'a', label: 'A', bin: a };
  const variantB = { key: 'b', label: 'B', bin: b };
  report.runs = [];
  for (let run = 1; run <= o.runs; run++) {
    // Whoever goes right after the baseline may find the machine in another state: A and B take turns at it.
    const order = run % 2 === 1 ? [bare, variantA, variantB] : [bare, variantB, variantA];
    const figures = { run, order: order.map((v) => v.key) };
    for (const variant of order) {
      const result = await measure(variant, run, o, bodies.a);
      progress(`run ${run}/${o.runs} ${variant.label}: ${num(result.reqPerSec)} req/s, ${result.cpuUsPerReq.toFixed(1)} µs CPU/request`);
      figures[variant.key] = result;
    }
    report.runs.push(figures);
  }

  report.summary = {};
  for (const key of ['bare', 'a', 'b']) {
    report.summary[key] = {
      reqPerSec: spread(report.runs.map((r) => r[key].reqPerSec)),
      cpuUsPerReq: spread(report.runs.map((r) => r[key].cpuUsPerReq)),
    };
  }
  for (const key of ['bare', 'a', 'b']) {
    const s = report.summary[key];
    s.reqPerSecVsBare = s.reqPerSec.median / report.summary.bare.reqPerSec.median;
    s.cpuUsPerReqVsBare = s.cpuUsPerReq.median / report.summary.bare.cpuUsPerReq.median;
  }
  report.ratio = {
    reqPerSec: report.summary.b.reqPerSec.median / report.summary.a.reqPerSec.median,
    cpuUsPerReq: report.summary.b.cpuUsPerReq.median / report.summary.a.cpuUsPerReq.median,
    // A and B of the same run are seconds apart, so the ratio within each run cancels slower swings of the machine.
    reqPerSecByRun: median(report.runs.map((r) => r.b.reqPerSec / r.a.reqPerSec)),
    cpuUsPerReqByRun: median(report.runs.map((r) => r.b.cpuUsPerReq / r.a.cpuUsPerReq)),
    bFasterInRuns: report.runs.filter((r) => r.b.reqPerSec > r.a.reqPerSec).length,
    bCheaperInRuns: report.runs.filter((r) => r.b.cpuUsPerReq < r.a.cpuUsPerReq).length,
  };
  report.loadAfter = loadavg()[0];
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
  cancelWatchdog();
}

function num(n) {
  return Math.round(n).toLocaleString('en-US');
}

function pct(ratio) {
  return `${(ratio * 100).toFixed(0)} %`;
}

function change(ratio) {
  const delta = (ratio - 1) * 100;
  return `×${ratio.toFixed(3)} (${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(1)} %)`;
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')).join('\n');
}

function render(r) {
  const o = r.options;
  const rows = [['variant', 'req/s', 'min–max', 'vs bare', 'CPU µs/req', 'min–max', 'vs bare']];
  for (const [key, label] of [['bare', 'bare node:http'], ['a', 'A'], ['b', 'B']]) {
    const s = r.summary[key];
    rows.push([
      label,
      num(s.reqPerSec.median),
      `${num(s.reqPerSec.min)}–${num(s.reqPerSec.max)}`,
      pct(s.reqPerSecVsBare),
      s.cpuUsPerReq.median.toFixed(1),
      `${s.cpuUsPerReq.min.toFixed(1)}–${s.cpuUsPerReq.max.toFixed(1)}`,
      pct(s.cpuUsPerReqVsBare),
    ]);
  }
  return [
    `sstore A/B — ${REQUEST_TITLE[r.options.request](r.options)}, Node ${r.node}, ${r.cpus} CPUs, load ${r.loadBefore.toFixed(2)} → ${r.loadAfter.toFixed(2)}`,
    `${o.runs} runs × (1 s warm-up + ${o.duration} s) at ${o.connections} connections per server; medians over the runs`,
    `A  ${o.a}  (${r.bodyBytes.a}-byte answer; the baseline sends these bytes)`,
    `B  ${o.b}  (${r.bodyBytes.b}-byte answer)`,
    '',
    table(rows),
    '',
    `B/A req/s:      ${change(r.ratio.reqPerSec)}; run by run: median ${change(r.ratio.reqPerSecByRun)}, B faster in ${r.ratio.bFasterInRuns} of ${o.runs}`,
    `B/A CPU µs/req: ${change(r.ratio.cpuUsPerReq)}; run by run: median ${change(r.ratio.cpuUsPerReqByRun)}, B cheaper in ${r.ratio.bCheaperInRuns} of ${o.runs}`,
    '',
  ].join('\n');
}

try {
  await main();
} catch (error) {
  process.stderr.write(error instanceof UsageError ? `ab: ${error.message}\n${USAGE}\n` : `ab: failed: ${error.stack ?? error}\n`);
  // Exit now: the servers still running would keep the event loop alive; the exit handler kills them.
  process.exit(error instanceof UsageError ? 64 : 1);
}
