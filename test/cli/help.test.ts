import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, ROOT } from '../helpers/env.ts';

const COMMANDS = [
  'secrets put', 'secrets get', 'secrets list', 'secrets patch', 'secrets dup', 'secrets rm',
  'stores create', 'stores list', 'stores delete', 'quota',
  'profile add', 'profile set', 'profile list', 'profile use', 'profile show', 'profile rm', 'login', 'logout',
];

test('--version prints the package version', async () => {
  const r = await runCli(['--version'], { env: isolatedEnv() });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version);
});

test('every command has a description and examples in its help, and the README lists it', async () => {
  const env = isolatedEnv();
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  for (const command of COMMANDS) {
    const r = await runCli([...command.split(' '), '--help'], { env });
    assert.equal(r.code, 0, command);
    assert.match(r.stdout, /^Usage: sstore /, command);
    assert.match(r.stdout, /\n\S.*\n/, `${command}: a description`);
    assert.match(r.stdout, /\nExamples:\n {2}\$ sstore /, `${command}: examples`);
    assert.ok(readme.includes(`sstore ${command}`), `README documents sstore ${command}`);
  }
  const top = await runCli(['--help'], { env });
  for (const flag of ['--profile', '--json', '--quiet', '--no-color', '--verbose', '--timeout']) assert.ok(top.stdout.includes(flag), flag);
  assert.match(top.stdout, /Exit codes: 0 ok/);
});
