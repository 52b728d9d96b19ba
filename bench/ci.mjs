#!/usr/bin/env node
// The CI commands against baselines measured in the same run, on the built bundle:
//   sstore run -- true, embedded store with 100 secrets, against `node -e 0`        target ≤ 4×
//   sstore __complete (secret names, warm cache)                                    target ≤ 100 ms
//   sstore import of 1,000 secrets into a local `sstore server`                      target ≤ 3 s
// Uses hyperfine when installed (-N, warm-up 3), else a plain spawn loop. Exits 1 when a target is missed.
// Usage: node bench/ci.mjs [--runs N]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'sstore.js');
const node = process.execPath;
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 20;
const home = mkdtempSync(join(tmpdir(), 'sstore-bench-ci-'));
const env = { ...process.env, HOME: home, SSTORE_CONFIG_DIR: join(home, 'config'), SSTORE_DATA_DIR: join(home, 'data'), SSTORE_CACHE_DIR: join(home, 'cache'), NO_COLOR: '1', CI: 'true' };
for (const key of Object.keys(env)) if (/^(SSTORE_PROFILE|SSTORE_API|CLOUDFLARE_|DBUS_SESSION_BUS_ADDRESS|FORCE_COLOR)/.test(key)) delete env[key];
const hasHyperfine = spawnSync('hyperfine', ['--version']).status === 0;

function sstore(args, extra = {}, input) {
  const result = spawnSync(node, [bin, ...args], { env: { ...env, ...extra }, encoding: 'utf8', input });
  if (result.status !== 0) throw new Error(`sstore ${args.join(' ')} failed: ${result.stderr}`);
  return result;
}

function lines(count, prefix) {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}=value-${i}-${Math.random().toString(36).slice(2)}`).join('\n') + '\n';
}

/** Mean wall time in ms of each command line. */
function measure(commands) {
  if (hasHyperfine) {
    const json = join(home, 'hyperfine.json');
    const exports = Object.entries(env).map(([k, v]) => [k, v]);
    const result = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(runs), '--export-json', json, ...commands.map((argv) => argv.map((a) => (/[\s'"]/.test(a) ? `'${a}'` : a)).join(' '))], {
      env: Object.fromEntries(exports),
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(spawnSync(node, ['-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(json)},'utf8'))`], { encoding: 'utf8' }).stdout).results.map((r) => r.mean * 1000);
  }
  return commands.map((argv) => {
    for (let i = 0; i < 3; i++) spawnSync(argv[0], argv.slice(1), { env });
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) spawnSync(argv[0], argv.slice(1), { env });
    return Number(process.hrtime.bigint() - start) / 1e6 / runs;
  });
}

async function serverImport() {
  const dataDir = join(home, 'server');
  const token = 'bench-root-token';
  const server = spawn(node, [bin, 'server', 'start', '--port', '0', '--data', dataDir], { env: { ...env, SSTORE_ROOT_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  try {
    const client = { SSTORE_API_URL: `${url}/client/v4`, CLOUDFLARE_ACCOUNT_ID: '0123456789abcdef0123456789abcdef', CLOUDFLARE_API_TOKEN: token };
    const times = [];
    for (let i = 0; i < 3; i++) {
      sstore(['stores', 'create', `bench${i}`], client);
      const file = join(home, `import-${i}.env`);
      writeFileSync(file, lines(1000, 'IMPORTED_'));
      const start = process.hrtime.bigint();
      sstore(['import', file, '--store', `bench${i}`], client);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return times.reduce((a, b) => a + b, 0) / times.length;
  } finally {
    server.kill('SIGTERM');
  }
}

try {
  const seed = join(home, 'seed.env');
  writeFileSync(seed, lines(100, 'SECRET_'));
  sstore(['import', seed]);
  const complete = [node, bin, '__complete', 'bash', '--', 'secrets', 'get', 'SECRET_00'];
  if (!sstore(complete.slice(2)).stdout.includes('SECRET_0001')) throw new Error('completion did not list the secrets');

  const [base, run, completeMs] = measure([[node, '-e', '0'], [node, bin, 'run', '--', 'true'], complete]);
  const importMs = await serverImport();

  const rows = [
    ['node -e 0', base, 'baseline', true],
    ['sstore run -- true (100 secrets)', run, `${(run / base).toFixed(2)}× ≤ 4×`, run / base <= 4],
    ['sstore __complete (warm cache)', completeMs, '≤ 100 ms', completeMs <= 100],
    ['sstore import, 1,000 secrets, local server', importMs, '≤ 3000 ms', importMs <= 3000],
  ];
  console.log(`\n${'case'.padEnd(46)}${'mean'.padStart(11)}  target`);
  for (const [name, ms, target, ok] of rows) console.log(`${name.padEnd(46)}${`${ms.toFixed(1)} ms`.padStart(11)}  ${target}${ok ? '' : '  MISSED'}`);
  console.log(`\nNode ${process.version}, ${runs} runs each, ${hasHyperfine ? 'hyperfine' : 'spawn loop'}; import: mean of 3`);
  process.exitCode = rows.every((r) => r[3]) ? 0 : 1;
} finally {
  rmSync(home, { recursive: true, force: true });
}
