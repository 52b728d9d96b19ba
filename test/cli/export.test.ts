import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import dotenv from 'dotenv';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { readGithubEnv, readMasks } from '../helpers/github-env.ts';
import { NASTY_VALUES } from '../helpers/nasty-values.ts';

// Export → import round trips through the real binary, checked with the dotenv package and with bash's eval.
const VALUES = NASTY_VALUES.filter((v) => v !== ''); // sstore refuses empty values, in put and in import alike
const SECRETS = Object.fromEntries(VALUES.map((v, i) => [`V${String(i).padStart(2, '0')}`, v]));
const dir = tempDir();

async function seeded(): Promise<NodeJS.ProcessEnv> {
  const env = isolatedEnv();
  const file = join(dir, `seed-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(SECRETS));
  const imported = await runCli(['import', file], { env });
  assert.equal(imported.code, 0, imported.stderr);
  return env;
}

async function exported(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const result = await runCli(['export', ...args], { env });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

test('dotenv export reads back exactly through the dotenv package and through sstore import', async () => {
  const env = await seeded();
  const text = await exported(env, ['--format', 'dotenv']);
  assert.deepEqual({ ...dotenv.parse(text) }, SECRETS);

  const file = join(dir, 'round.env');
  writeFileSync(file, text);
  const other = isolatedEnv();
  const imported = await runCli(['import', file], { env: other });
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual(JSON.parse(await exported(other, ['--format', 'json'])), SECRETS);
});

test('shell export is safe to eval in bash and sets every value exactly', async () => {
  const env = await seeded();
  const file = join(dir, 'exports.sh');
  writeFileSync(file, await exported(env, ['--format', 'shell']));
  const names = Object.keys(SECRETS);
  const script = `eval "$(cat "$1")"; shift; for n in "$@"; do printf '%s\\0' "\${!n}"; done`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', file, ...names], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '', 'nothing in the values was executed');
  assert.deepEqual(result.stdout.split('\0').slice(0, -1), Object.values(SECRETS));
});

test('json and yaml exports carry every value', async () => {
  const env = await seeded();
  assert.deepEqual(JSON.parse(await exported(env, ['--format', 'json'])), SECRETS);
  const yaml = await exported(env, ['--format', 'yaml']);
  for (const name of Object.keys(SECRETS)) assert.match(yaml, new RegExp(`^"?${name}"?: `, 'm'));
});

test('github: masks on stdout first, values appended to $GITHUB_ENV (heredocs for multi-line values), nothing else printed', async () => {
  const env = await seeded();
  const githubEnv = join(dir, 'github_env');
  writeFileSync(githubEnv, 'EARLIER=kept\n');
  const result = await runCli(['export', '--format', 'github'], { env: { ...env, GITHUB_ENV: githubEnv } });
  assert.equal(result.code, 0, result.stderr);
  const masks = readMasks(result.stdout);
  for (const value of VALUES) {
    for (const line of value.split(/\r\n|\r|\n/)) if (line.trim() !== '') assert.ok(masks.includes(line), `no mask for a line of ${JSON.stringify(value.slice(0, 20))}`);
  }
  assert.deepEqual(result.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('::add-mask::')), [], 'stdout holds only mask commands');
  const written = readGithubEnv(readFileSync(githubEnv, 'utf8'));
  assert.equal(written.get('EARLIER'), 'kept', 'the file is appended to, not replaced');
  for (const [name, value] of Object.entries(SECRETS)) assert.equal(written.get(name), value, name);

  const unset = await runCli(['export', '--format', 'github'], { env });
  assert.equal(unset.code, 2);
  assert.match(unset.stderr, /GITHUB_ENV/);
});

test('-o writes a new 0600 file and prints no value; --only and --prefix select and rename', async () => {
  const env = await seeded();
  const out = join(dir, 'out.env');
  writeFileSync(out, 'old', { mode: 0o644 });
  const result = await runCli(['export', '-o', out, '--only', 'V04,V08', '--prefix', 'APP_'], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /exported 2 secrets from store default to /);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  assert.deepEqual({ ...dotenv.parse(readFileSync(out, 'utf8')) }, { APP_V04: SECRETS.V04, APP_V08: SECRETS.V08 });
});

test('a value dotenv cannot spell is refused in one line naming the secret, never the value', async () => {
  const env = isolatedEnv();
  const file = join(dir, 'unspellable.json');
  const value = `all ' " \` and\na newline`;
  writeFileSync(file, JSON.stringify({ UNSPELLABLE: value }));
  assert.equal((await runCli(['import', file], { env })).code, 0);
  const result = await runCli(['export'], { env });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^error: the value of UNSPELLABLE cannot be written as dotenv/);
  assert.ok(!result.stderr.includes('newline'), 'the value is not in the error');
  assert.deepEqual(JSON.parse((await runCli(['export', '--format', 'json'], { env })).stdout), { UNSPELLABLE: value });
});
