// RSS of the local server after a long mixed load (issue 12, item 7): does memory come back, or creep?
// Starts `sstore server start`, seeds 50 secrets, warms up for a few seconds, reads VmRSS ("start"), then runs
// `--duration` s of a mixed load at `--connections` (GET one secret, GET pages, POST creates, PATCH values, DELETE
// what was created), sampling VmRSS every 5 s. Target: RSS at the end ≤ 1.5 × RSS at start. What grows is V8's young
// generation (on Node 24 it grows to 64 MB under a high allocation rate, in 16 MB steps; the live heap stays flat):
// `--node-options=--max-semi-space-size=4` measures the bound README's "Memory" note gives operators.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { API, call, createStore, seed } from './lib/api.mjs';
import { giveUpAfter, rssOf, stop, tempDir } from './lib/processes.mjs';
import { launcher, serverEnv, startSstore } from './lib/servers.mjs';

// Not strict: bench/run.mjs hands every script the arguments meant for any of them.
const { values: args } = parseArgs({
  strict: false,
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '50' },
    bin: { type: 'string', default: 'bin/sstore.js' },
    json: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '600' },
    // e.g. --node-options=--max-semi-space-size=4: the server's NODE_OPTIONS, to measure the bound docs/ suggest.
    'node-options': { type: 'string', default: '' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const TARGET_RATIO = 1.5;
giveUpAfter(Number(args.timeout));

const dir = tempDir('sstore-bench-rss-');
const { env: baseEnv, authorization } = serverEnv(dir);
const env = args['node-options'] ? { ...baseEnv, NODE_OPTIONS: args['node-options'] } : baseEnv;
const { child, url } = await startSstore({ bin: launcher(args.bin), env, data: join(dir, 'data'), log: join(dir, 'server.log') });
const server = { url, authorization };
const store = await createStore(server, 'mixed');
await seed(server, store, 50, 50, 'seed');
const first = (await call(server, 'GET', `${API}/stores/${store}/secrets?per_page=1`)).json.result[0].id;

let n = 0;
const unique = () => `L${process.pid}_${n++}`;
const secretPath = `${API}/stores/${store}/secrets`;
const headers = { authorization, 'content-type': 'application/json' };
/** Reads on four fifths of the connections, as a secrets server mostly sees; steady writes on the rest. */
const reads = [
  { method: 'GET', path: `${secretPath}/${first}` },
  { method: 'GET', path: `${secretPath}?per_page=100&page=1` },
  { method: 'GET', path: `${secretPath}/${first}` },
  { method: 'GET', path: `${API}/quota` },
];
const writes = [
  {
    method: 'POST',
    path: secretPath,
    setupRequest: (req) => ({ ...req, body: JSON.stringify([{ name: unique(), value: 'v'.repeat(200), scopes: ['workers'] }]) }),
    onResponse: (status, body, context) => {
      if (status === 200) context.created = JSON.parse(body).result[0].id;
    },
  },
  { method: 'PATCH', path: `${secretPath}/${first}`, body: JSON.stringify({ value: 'p'.repeat(300), comment: 'rotated' }) },
  {
    method: 'DELETE',
    // Every other created secret is deleted, so the store grows through the run as it did in the load.
    setupRequest: (req, context) => ({ ...req, path: context.created && n % 2 ? `${secretPath}/${context.created}` : `${secretPath}/${first}/x` }),
  },
];

async function run(seconds) {
  const writers = Math.max(1, Math.round(connections / 5));
  const [r, w] = await Promise.all([
    autocannon({ url, connections: connections - writers, duration: seconds, headers, requests: reads }),
    autocannon({ url, connections: writers, duration: seconds, headers, requests: writes }),
  ]);
  return { requests: { total: r.requests.total + w.requests.total }, non2xx: r.non2xx, errors: r.errors + w.errors };
}

await run(5); // warm-up: the code paths, the caches and the statement cache reach their working size
const start = rssOf(child.pid).rssMb;
const samples = [];
const timer = setInterval(() => samples.push(Math.round(rssOf(child.pid).rssMb)), 5_000);
const result = await run(duration);
clearInterval(timer);
const end = rssOf(child.pid);
const secrets = (await call(server, 'GET', `${secretPath}?per_page=1`)).json.result_info.total_count;
await stop(child);

const report = {
  seconds: duration,
  connections,
  nodeOptions: args['node-options'],
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  secretsAtEnd: secrets,
  rssStartMb: Math.round(start),
  rssEndMb: Math.round(end.rssMb),
  rssPeakMb: Math.round(end.peakMb),
  samplesMb: samples,
  ratio: Number((end.rssMb / start).toFixed(2)),
  target: `≤ ${TARGET_RATIO}× RSS at start`,
};
report.met = report.ratio <= TARGET_RATIO;
if (args.json) console.log(JSON.stringify(report));
else {
  console.log(`mixed load: ${report.requests} requests in ${duration} s at ${connections} connections (${report.non2xx} non-2xx, ${report.errors} errors), ${secrets} secrets at the end`);
  console.log(`RSS: ${report.rssStartMb} MB at start → ${report.rssEndMb} MB at the end (peak ${report.rssPeakMb} MB), ${report.ratio}× (target ${report.target}): ${report.met ? 'met' : 'MISSED'}`);
  console.log(`samples every 5 s: ${samples.join(' ')}`);
}
if (args.check && !report.met) process.exit(1);
process.exit(0);
