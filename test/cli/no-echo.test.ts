import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';

// No value is ever echoed: text that may be a value (an extra argument, a name holding "=", a line of an unquoted
// multi-line value) is named by its position, never printed.

const SECRET = 's3cr3t-Value';
const VALUE_HINT = 'hint: values are read from stdin, a prompt, --from-env or --from-file, never from a name argument\n';

function refusedWithoutEcho(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, message);
  assert.ok(!result.stderr.includes(SECRET) && !result.stderr.includes(SECRET.toLowerCase()), `echoed: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

test('a value given as an extra argument is refused by position, with where values come from', async () => {
  const env = isolatedEnv();
  for (const verb of ['put', 'patch']) {
    const result = await runCli(['secrets', verb, 'DB_PASSWORD', SECRET], { env });
    refusedWithoutEcho(result, new RegExp(`^error: too many arguments: sstore secrets ${verb} takes 1 \\(<name(-or-id)?>\\) and got 2; argument 2 is not shown, as it may be a secret\\n${VALUE_HINT}$`));
  }
  const twoMore = await runCli(['secrets', 'put', 'DB_PASSWORD', SECRET, 'more'], { env });
  refusedWithoutEcho(twoMore, /arguments 2–3 are not shown, as they may be secrets/);
  const login = await runCli(['login', SECRET], { env });
  refusedWithoutEcho(login, /^error: too many arguments: sstore login takes no arguments and got 1; argument 1 is not shown, as it may be a secret\nhint: the token is read from a hidden prompt or standard input, never from an argument\n$/);
});

test('every command refuses extra arguments without printing them', async () => {
  const env = isolatedEnv();
  const commands: Array<[string, string[]]> = [
    ['secrets get', ['N']], ['secrets list', []], ['secrets dup', ['A', 'B']], ['stores create', ['s']], ['stores list', []],
    ['stores delete', ['s']], ['quota', []], ['profile add', ['p']], ['profile list', []], ['profile use', ['p']], ['profile show', ['p']],
    ['profile rm', ['p']], ['logout', []], ['export', []], ['import', ['f.env']], ['server start', []], ['server token list', []],
    ['server token revoke', ['x']], ['completion', ['bash']],
  ];
  for (const [command, args] of commands) {
    const result = await runCli([...command.split(' '), ...args, SECRET], { env });
    refusedWithoutEcho(result, new RegExp(`^error: too many arguments: sstore ${command} takes ${args.length === 0 ? 'no arguments' : args.length} .*and got ${args.length + 1}; argument ${args.length + 1} is not shown`));
  }
});

test('a name holding "=" (NAME=value) is refused without showing it, on every provider', async () => {
  const env = isolatedEnv();
  for (const provider of ['sgp', 'neostore']) {
    assert.equal((await runCli(['profile', 'add', `dev-${provider}`, '--provider', provider, '--local'], { env })).code, 0);
  }
  for (const profile of ['local', 'dev-sgp', 'dev-neostore']) {
    const result = await runCli(['--profile', profile, 'secrets', 'put', `db-password=${SECRET}`], { env, input: 'x' });
    refusedWithoutEcho(result, new RegExp(`^error: invalid (secret name|SGP key|Neostore key) \\(not shown: it may be a value\\): character 12 is "="; .*\\n${VALUE_HINT}$`));
  }
  const spaced = await runCli(['secrets', 'put', `my ${SECRET}`], { env, input: 'x' });
  refusedWithoutEcho(spaced, /^error: invalid secret name \(not shown: it may be a value\): character 3 is a space; /);
  const only = await runCli(['export', '--only', `A=${SECRET},B`], { env });
  assert.equal(only.code, 3, only.stderr);
  assert.ok(!only.stderr.includes(SECRET), only.stderr);
  assert.match(only.stderr, /^error: no secret named \(a name not shown: it may be a value\), "B" in store "default"/m);
  const named = await runCli(['secrets', 'put', 'bad.name'], { env, input: 'x' });
  assert.match(named.stderr, /^error: invalid secret name "bad\.name": character 4 is "\."/, 'a name-shaped mistake is shown');
});

test('--from-env given a value instead of a name does not print it', async () => {
  const env = isolatedEnv();
  refusedWithoutEcho(await runCli(['secrets', 'put', 'A', '--from-env', `${SECRET} x`], { env }), /^error: the variable --from-env names \(not shown: it is no variable name\) is not set\nhint: --from-env takes the name/);
  const typo = await runCli(['secrets', 'put', 'A', '--from-env', 'API_TOKN'], { env });
  assert.match(typo.stderr, /^error: the environment variable API_TOKN is not set/);
});

test('an unquoted multi-line PEM in a dotenv file is one problem naming the key, never a line of it', async () => {
  const env = isolatedEnv();
  const dir = tempDir();
  const pem = ['-----BEGIN PRIVATE KEY-----', `MIIEvQIB${SECRET}ANBgkqhkiG9w0BAQEFAASC`, `BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj${SECRET}`, '-----END PRIVATE KEY-----'];
  const path = join(dir, 'pem.env');
  writeFileSync(path, `A=1\nTLS_KEY=${pem.join('\n')}\n`);
  const result = await runCli(['import', path], { env });
  refusedWithoutEcho(result, new RegExp(`^${path}:3: expected NAME=value \\(also lines 4–5\\): is it the rest of TLS_KEY's value from line 2\\? A multi-line value needs double quotes\\nerror: .*pem\\.env: 1 problem; nothing was written\\n$`));
  assert.ok(!result.stderr.includes('MIIEvQIB') && !result.stderr.includes('BKcwggSj'));
});

test('a profile name holding "=" is refused or not found without showing it', async () => {
  const env = isolatedEnv();
  const added = await runCli(['profile', 'add', `p=${SECRET}`, '--account', 'a1'], { env });
  refusedWithoutEcho(added, /^error: invalid profile name \(a name not shown: it may be a value\): use letters/);
  const used = await runCli(['--profile', `p=${SECRET}`, 'secrets', 'list'], { env });
  refusedWithoutEcho(used, /^error: no profile named \(a name not shown: it may be a value\)/);
});
