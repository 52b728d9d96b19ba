import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const env = isolatedEnv();
const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });

test('an unknown command suggests what a synonym or a typo means (exit 2, nothing run)', async () => {
  const cases: Array<[string, string]> = [
    ['secrets set X', 'did you mean `sstore secrets put` or `sstore secrets patch`?'],
    ['secrets create X', 'did you mean `sstore secrets put`?'],
    ['secrets add X', 'did you mean `sstore secrets put`?'],
    ['secrets show X', 'did you mean `sstore secrets get`?'],
    ['secrets view X', 'did you mean `sstore secrets get`?'],
    ['secrets read X', 'did you mean `sstore secrets get`?'],
    ['secrets copy A B', 'did you mean `sstore secrets dup`?'],
    ['secrets cp A B', 'did you mean `sstore secrets dup`?'],
    ['secrets remove A', 'did you mean `sstore secrets rm`?'],
    ['stores remove A', 'did you mean `sstore stores delete`?'],
    ['profile create p', 'did you mean `sstore profile add`?'],
    ['version', 'did you mean `sstore --version`?'],
    ['put X', 'did you mean `sstore secrets put`?'],
    ['secrets lsit', 'did you mean `sstore secrets list`?'],
    ['sercets list', 'did you mean `sstore secrets`?'],
    ['secrets versions X', 'did you mean `sstore secrets history`?'],
    ['secrets revert X', 'did you mean `sstore secrets rollback`?'],
    ['log', 'did you mean `sstore audit`?'],
    ['server log', 'did you mean `sstore server audit`?'],
  ];
  for (const [line, hint] of cases) {
    const r = await run(line.split(' '));
    assert.equal(r.code, 2, line);
    assert.equal(r.stdout, '', line);
    const word = line.split(' ').slice(0, /^(secrets|stores|profile|server) /.test(line) ? 2 : 1).join(' ');
    assert.equal(r.stderr, `error: unknown command '${word}'\nhint: ${hint}\n`, line);
  }
  const none = await run(['secrets', 'frobnicate']);
  assert.equal(none.stderr, "error: unknown command 'secrets frobnicate'\nhint: the commands: put, get, list, patch, dup, rm, history, rollback (`sstore secrets --help`)\n");
});

test('`sstore help secrets put` shows the help of put', async () => {
  const viaHelp = await run(['help', 'secrets', 'put']);
  const viaFlag = await run(['secrets', 'put', '--help']);
  assert.equal(viaHelp.code, 0);
  assert.match(viaHelp.stdout, /^Usage: sstore secrets put \[options\] <name>/);
  assert.equal(viaHelp.stdout, viaFlag.stdout);
  assert.match((await run(['help', 'stores'])).stdout, /^Usage: sstore stores/);
});

test("a command's flag given before the command: a hint with the line to type", async () => {
  const before = await run(['--store', 'main', 'secrets', 'list']);
  assert.equal(before.code, 2);
  assert.equal(before.stderr, "error: unknown option '--store'\nhint: --store is an option of `sstore secrets list`: give it after the command, e.g. sstore secrets list --store main\n");
  const between = await run(['secrets', '--store', 'main', 'list', '--json']);
  assert.match(between.stderr, /hint: --store is an option of `sstore secrets list`: give it after the command, e.g. sstore secrets list --json --store main\n$/);
  const yes = await run(['--yes', 'secrets', 'rm', 'A', 'B']);
  assert.match(yes.stderr, /e\.g\. sstore secrets rm A B --yes\n$/);
  // Global flags work before the group, after it and after the command.
  for (const args of [['--json', 'secrets', 'list'], ['secrets', '--json', 'list'], ['secrets', 'list', '--json']]) {
    const r = await run(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), '[]', args.join(' '));
  }
});

test('--json is honoured or refused: commands without JSON output say so before doing anything', async () => {
  const exported = await run(['export', '--json']);
  assert.equal(exported.code, 2);
  assert.equal(exported.stdout, '');
  assert.equal(exported.stderr, 'error: --json does not apply to `sstore export`: use --format json\n');
  for (const args of [['run', '--json', '--', 'true'], ['--json', 'profile', 'use', 'local'], ['completion', 'bash', '--json'], ['--json', 'logout']]) {
    const r = await run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^error: --json does not apply to `sstore /, args.join(' '));
  }
  const listed = await run(['--json', 'profile', 'list']);
  assert.equal(listed.code, 0);
  assert.equal(JSON.parse(listed.stdout)[0].name, 'local');
});

test('hints name the profile given with --profile, so the command they suggest acts on the same one', async () => {
  const local = isolatedEnv();
  assert.equal((await runCli(['profile', 'add', 'dev-neo', '--provider', 'neostore', '--local'], { env: local })).code, 0);
  const r = await runCli(['--profile', 'dev-neo', 'secrets', 'get', 'missing-key'], { env: local });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /\nhint: list them with `sstore --profile dev-neo secrets list`\n$/);
  const withoutFlag = await runCli(['secrets', 'get', 'MISSING'], { env: local });
  assert.match(withoutFlag.stderr, /\nhint: list them with `sstore secrets list --store default`\n$/);

  // A refused token: the login the hint suggests is the one for this profile.
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: 'root-token-for-hints' }), dataDir: tempDir() });
  assert.equal((await runCli(['profile', 'add', 'dev', '--url', server.api, '--account', 'a1'], { env: local })).code, 0);
  const refused = await runCli(['--profile', 'dev', 'stores', 'list'], { env: { ...local, SSTORE_API_TOKEN: 'wrong-token' } });
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, /\nhint: .*`sstore --profile dev login`/);
});
