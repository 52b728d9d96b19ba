#!/usr/bin/env node
// `npm run bench`: runs every benchmark script present in bench/, one after the other, so they never compete.
// Arguments go to each script; `--only <name>` picks one (e.g. `--only server -- --duration 3`).
// With --json, prints one object keyed by benchmark name.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BENCH = new URL('.', import.meta.url).pathname;
// A fixed list, not every file in bench/: ab.mjs compares two builds given on its command line, so it is run by hand.
const SCRIPTS = ['server', 'rss', 'postgres', 'cli-startup', 'sea-startup', 'ci'];
const USAGE = `usage: node bench/run.mjs [--only <${SCRIPTS.join('|')}>] [arguments for the benchmark scripts]`;

function parse(argv) {
  const rest = [];
  let only;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only' || arg.startsWith('--only=')) {
      only = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
      if (!SCRIPTS.includes(only)) throw new Error(`--only must be one of ${SCRIPTS.join(', ')}`);
    } else if (arg !== '--') {
      rest.push(arg);
    }
  }
  return { only, rest, json: rest.includes('--json') };
}

function run(script, args, json) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: code ?? (signal ? 128 : 1), out });
    });
  });
}

let options;
try {
  options = parse(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
  process.exit(64);
}

const present = SCRIPTS.filter((name) => (options.only ?? name) === name && existsSync(join(BENCH, `${name}.mjs`)));
if (!existsSync(join(BENCH, '..', 'dist', 'sstore.js'))) {
  process.stderr.write('bench: dist/ is missing: run `node scripts/build.mjs` first\n');
  process.exit(1);
}
const results = {};
let failed = 0;
for (const name of present) {
  if (!options.json) process.stdout.write(`\n=== bench/${name}.mjs\n`);
  const { code, out } = await run(join(BENCH, `${name}.mjs`), options.rest, options.json);
  if (code !== 0) {
    failed++;
    process.stderr.write(`bench: bench/${name}.mjs exited with ${code}\n`);
  }
  if (options.json) {
    try {
      results[name] = JSON.parse(out);
    } catch {
      results[name] = { error: `exit ${code}, no JSON output` };
    }
  }
}
if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exitCode = failed > 0 ? 1 : 0;
