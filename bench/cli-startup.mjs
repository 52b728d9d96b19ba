#!/usr/bin/env node
// Whole-process start-up of the CLI against `node -e 0` measured in the same run, on the built bundle.
//   sstore --version                          target ≤ 2×
//   sstore --help                             target ≤ 2.5×
//   sstore secrets list --json (1,000 secrets in the embedded store)   target ≤ 5×
// Uses hyperfine when installed (-N, warm-up 3, 20 runs), else a plain spawn loop. Prints a table of means and
// ratios; exits 1 when a target is missed. Usage: node bench/cli-startup.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'sstore.js');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 20;
const node = process.execPath;

const home = mkdtempSync(join(tmpdir(), 'sstore-bench-'));
const env = { ...process.env, HOME: home, SSTORE_CONFIG_DIR: join(home, 'config'), SSTORE_DATA_DIR: join(home, 'data'), NO_COLOR: '1' };
for (const key of Object.keys(env)) if (/^(SSTORE_PROFILE|SSTORE_API|CLOUDFLARE_|DBUS_SESSION_BUS_ADDRESS)/.test(key)) delete env[key];

try {
  // 1,000 secrets through the CLI's own path: one bulk create per 100 via the in-process API is what `import` will do;
  // here the engine is seeded directly (setup, not measured).
  Object.assign(process.env, { SSTORE_DATA_DIR: env.SSTORE_DATA_DIR });
  delete process.env.DBUS_SESSION_BUS_ADDRESS;
  const { openEngine } = await import('../src/engine/open.ts');
  const { LOCAL_ACCOUNT_ID } = await import('../src/http/in-process.ts');
  const engine = await openEngine({ dataDir: env.SSTORE_DATA_DIR, env });
  const store = await engine.createStore('cloudflare', LOCAL_ACCOUNT_ID, 'default', null);
  for (let batch = 0; batch < 10; batch++) {
    await engine.createSecrets(store, Array.from({ length: 100 }, (_, i) => ({ name: `SECRET_${batch * 100 + i}`, value: `value-${i}`, scopes: ['workers'], comment: null })));
  }
  await engine.close();
  const check = spawnSync(node, [bin, 'secrets', 'list', '--json'], { env, encoding: 'utf8' });
  const count = JSON.parse(check.stdout).length;
  if (count !== 1000) throw new Error(`expected 1000 secrets, got ${count}: ${check.stderr}`);

  const cases = [
    { name: 'node -e 0', argv: [node, '-e', '0'] },
    { name: 'sstore --version', argv: [node, bin, '--version'], target: 2 },
    { name: 'sstore --help', argv: [node, bin, '--help'], target: 2.5 },
    { name: 'sstore secrets list --json (1,000)', argv: [node, bin, 'secrets', 'list', '--json'], target: 5 },
  ];
  const means = spawnSync('hyperfine', ['--version']).status === 0 ? withHyperfine(cases) : withLoop(cases);
  const base = means[0];
  let missed = false;
  console.log(`\n${'command'.padEnd(40)}${'mean'.padStart(10)}${'ratio'.padStart(9)}  target`);
  cases.forEach((c, i) => {
    const ratio = means[i] / base;
    const ok = c.target === undefined || ratio <= c.target;
    if (!ok) missed = true;
    console.log(`${c.name.padEnd(40)}${`${means[i].toFixed(1)} ms`.padStart(10)}${`${ratio.toFixed(2)}×`.padStart(9)}  ${c.target ? `≤ ${c.target}× ${ok ? 'ok' : 'MISSED'}` : 'baseline'}`);
  });
  console.log(`\nNode ${process.version}, ${runs} runs each, ${means.source}`);
  process.exitCode = missed ? 1 : 0;
} finally {
  rmSync(home, { recursive: true, force: true });
}

function quote(arg) {
  return /^[\w./=-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function withHyperfine(cases) {
  const out = join(home, 'hyperfine.json');
  const result = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(runs), '--export-json', out, ...cases.map((c) => c.argv.map(quote).join(' '))], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error('hyperfine failed');
  const means = JSON.parse(readFileSync(out, 'utf8')).results.map((r) => r.mean * 1000);
  means.source = 'hyperfine -N';
  return means;
}

function withLoop(cases) {
  const means = cases.map((c) => {
    for (let i = 0; i < 3; i++) spawnSync(c.argv[0], c.argv.slice(1), { env, stdio: 'ignore' });
    const started = performance.now();
    for (let i = 0; i < runs; i++) spawnSync(c.argv[0], c.argv.slice(1), { env, stdio: 'ignore' });
    return (performance.now() - started) / runs;
  });
  means.source = 'spawnSync loop (hyperfine not found)';
  return means;
}
