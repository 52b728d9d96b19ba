#!/usr/bin/env node
// Start-up of the two installed forms of sstore (issue 11), as ratios of `node -e 0` measured in the same run:
// the single executable (dist/sea/sstore-<os>-<arch>, from `npm run sea`) and the npm package installed from its
// tarball into a temporary prefix (`npm pack` + `npm install -g --prefix`, as a user would).
//   executable --version            target ≤ 1.5× (goal ≤ 1.0×)
//   executable secrets list --json  (1,000 secrets in the embedded store)
//   npm install --version, secrets list --json: the same, for comparison
// Each figure twice: wall time (what a person waits) and CPU time, user + system (steadier on a busy machine).
// Uses hyperfine (-N, warm-up 3, --runs N, default 20). Exits 1 when a target is missed (wall or CPU ratio); skips
// (exit 0) when the executable has not been built.
// Usage: node bench/sea-startup.mjs [--runs N] [--json]    (run `npm run sea` first)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
// Not strict: bench/run.mjs passes every script the arguments meant for the others.
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } }, strict: false });
const platform = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const exe = join(root, 'dist', 'sea', `sstore-${platform}${process.platform === 'win32' ? '.exe' : ''}`);
if (!existsSync(exe)) {
  // Not a failure of `npm run bench`: the executable is built on request only (about 15 s and 113 MB).
  const reason = `${exe} is missing: run \`npm run sea\` first`;
  process.stdout.write(values.json ? `${JSON.stringify({ skipped: reason })}\n` : `bench: skipped: ${reason}\n`);
  process.exit(0);
}
if (spawnSync('hyperfine', ['--version']).status !== 0) {
  process.stderr.write('bench: hyperfine is not installed (scripts/setup.sh installs it)\n');
  process.exit(1);
}
const log = values.json ? () => {} : (line) => console.log(line);

const home = mkdtempSync(join(tmpdir(), 'sstore-bench-sea-'));
const env = { ...process.env, HOME: home, SSTORE_CONFIG_DIR: join(home, 'config'), SSTORE_DATA_DIR: join(home, 'data'), SSTORE_NO_KEYCHAIN: '1', NO_COLOR: '1' };
for (const key of Object.keys(env)) if (/^(SSTORE_PROFILE|SSTORE_API|CLOUDFLARE_|DBUS_SESSION_BUS_ADDRESS)/.test(key)) delete env[key];

try {
  log('bench: packing and installing the npm package into a temporary prefix');
  const prefix = join(home, 'prefix');
  execFileSync('npm', ['pack', '--silent', '--pack-destination', home], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(home, readdirSync(home).find((f) => f.endsWith('.tgz')));
  execFileSync('npm', ['install', '-g', '--silent', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { stdio: ['ignore', 'ignore', 'inherit'] });
  const npmBin = join(prefix, 'bin', 'sstore');

  // 1,000 secrets, written through the executable itself (an import of a dotenv file on stdin).
  const dotenv = Array.from({ length: 1000 }, (_, i) => `SECRET_${i}=value-${i}`).join('\n');
  execFileSync(exe, ['import', '-'], { env, input: dotenv, stdio: ['pipe', 'ignore', 'ignore'] });
  for (const bin of [exe, npmBin]) {
    const count = JSON.parse(execFileSync(bin, ['secrets', 'list', '--json'], { env, encoding: 'utf8' })).length;
    if (count !== 1000) throw new Error(`${bin}: expected 1000 secrets, got ${count}`);
  }

  const cases = [
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
    { name: 'executable --version', argv: [exe, '--version'], target: 1.5, goal: 1 },
    { name: 'npm install --version', argv: [npmBin, '--version'] },
    { name: 'executable secrets list --json (1,000)', argv: [exe, 'secrets', 'list', '--json'] },
    { name: 'npm install secrets list --json (1,000)', argv: [npmBin, 'secrets', 'list', '--json'] },
  ];
  const out = join(home, 'hyperfine.json');
  const result = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', values.runs, '--export-json', out, ...cases.map((c) => c.argv.join(' '))], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error('hyperfine failed');
  const measured = JSON.parse(readFileSync(out, 'utf8')).results.map((r) => ({ wall: r.mean * 1000, cpu: (r.user + r.system) * 1000 }));
  const [base] = measured;
  let missed = false;
  const rows = cases.map((c, i) => {
    const wallRatio = measured[i].wall / base.wall;
    const cpuRatio = measured[i].cpu / base.cpu;
    const ok = c.target === undefined || (wallRatio <= c.target && cpuRatio <= c.target);
    if (!ok) missed = true;
    return { name: c.name, wallMs: measured[i].wall, cpuMs: measured[i].cpu, wallRatio, cpuRatio, target: c.target, goal: c.goal, ok };
  });
  const sizeMB = statSync(exe).size / 1e6;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, runs: Number(values.runs), executable: exe, sizeMB, rows }, null, 2)}\n`);
  } else {
    log(`\n${'command'.padEnd(42)}${'wall'.padStart(10)}${'ratio'.padStart(8)}${'cpu'.padStart(10)}${'ratio'.padStart(8)}  target`);
    for (const r of rows) {
      const target = r.target ? `≤ ${r.target}× (goal ≤ ${r.goal}×) ${r.ok ? 'ok' : 'MISSED'}` : r.name === 'node -e 0' ? 'baseline' : '';
      log(`${r.name.padEnd(42)}${`${r.wallMs.toFixed(1)} ms`.padStart(10)}${`${r.wallRatio.toFixed(2)}×`.padStart(8)}${`${r.cpuMs.toFixed(1)} ms`.padStart(10)}${`${r.cpuRatio.toFixed(2)}×`.padStart(8)}  ${target}`);
    }
    log(`\n${exe}: ${sizeMB.toFixed(1)} MB. Node ${process.version}, ${values.runs} runs each, hyperfine -N; cpu = user + system`);
  }
  process.exitCode = missed ? 1 : 0;
} finally {
  rmSync(home, { recursive: true, force: true });
}
