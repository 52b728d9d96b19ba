import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { BIN, isolatedEnv, ROOT, tempDir } from '../helpers/env.ts';

// Live names in real bash, zsh and fish: the checked-in scripts call `sstore __complete`, which asks the embedded
// store. The deadline is raised for these tests only, so a slow, busy machine cannot turn them flaky; the 300 ms
// default is measured in bench/ci.mjs.
const COMPLETIONS = join(ROOT, 'completions');
const bin = tempDir('sstore-bin-');
writeFileSync(join(bin, 'sstore'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
chmodSync(join(bin, 'sstore'), 0o755);
const env = isolatedEnv({ PATH: `${bin}:${process.env.PATH}`, SSTORE_COMPLETION_DEADLINE_MS: '20000' });

function run(command: string, args: string[], runEnv = env): string {
  const result = spawnSync(command, args, { env: runEnv, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `${command} failed: ${result.stderr}`);
  return result.stdout;
}

function values(output: string): string[] {
  return [...new Set(output.split('\n').map((l) => l.split(/\t| -- /)[0]!.trim()).filter(Boolean))].sort();
}

const SHELLS: Record<string, (line: string) => string[]> = {
  bash(line) {
    const script = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _sstore_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return values(run('bash', ['--norc', '--noprofile', '-c', script, 'bash', join(COMPLETIONS, 'sstore.bash'), ...line.replace(/=/g, ' = ').split(/ +/)]));
  },
  zsh(line) {
    return values(run('zsh', ['-f', join(ROOT, 'test', 'completion', 'zsh-capture.zsh'), join(COMPLETIONS, '_sstore'), line]));
  },
  fish(line) {
    return values(run('fish', ['--no-config', '-c', 'source $argv[1]; complete --do-complete $argv[2]', join(COMPLETIONS, 'sstore.fish'), line]));
  },
};

async function cli(args: string[], input?: string) {
  const result = await runCli(args, { env, ...(input !== undefined && { input }) });
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
}

await cli(['stores', 'create', 'main']);
await cli(['stores', 'create', 'mobile']);
await cli(['stores', 'create', 'other']);
for (const name of ['DB_PASSWORD', 'DB_URL', 'API_KEY']) await cli(['secrets', 'put', name, '--store', 'main'], 'v');
await cli(['secrets', 'put', 'ELSEWHERE', '--store', 'other'], 'v');

const CASES: Array<[string, string[]]> = [
  ['sstore secrets get --store m', ['main', 'mobile']],
  ['sstore secrets list --store ', ['main', 'mobile', 'other']],
  ['sstore stores delete o', ['other']],
  ['sstore secrets get --store main DB', ['DB_PASSWORD', 'DB_URL']],
  ['sstore secrets rm --store other ', ['ELSEWHERE']],
  ['sstore run --store main --only ', ['API_KEY', 'DB_PASSWORD', 'DB_URL']],
  ['sstore export --store other --only E', ['ELSEWHERE']],
  ['sstore import --store mai', ['main']],
  ['sstore --profile l', ['local']],
  ['sstore profile set l', ['local']],
  ['sstore profile use ', ['local']],
  ['sstore ex', ['export']],
  ['sstore export --format y', ['yaml']],
];

for (const [shell, complete] of Object.entries(SHELLS)) {
  test(`${shell}: store, secret and profile names complete live`, () => {
    for (const [line, expected] of CASES) assert.deepEqual(complete(line), expected, `${shell}: ${JSON.stringify(line)}`);
  });
}

test('with several stores and no --store, secret names are not guessed: no candidates, no prompt, exit 0', async () => {
  const result = await runCli(['__complete', 'bash', '--', 'secrets', 'get', ''], { env });
  assert.equal(result.code, 0);
  assert.equal(result.stderr, '');
  assert.equal(result.stdout, ':default\n');
});

test('a fresh machine: completing names never creates the embedded store', async () => {
  const fresh = isolatedEnv();
  const result = await runCli(['__complete', 'bash', '--', 'secrets', 'get', '--store', ''], { env: fresh });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, ':default\n');
  assert.equal(result.stderr, '');
  assert.equal(existsSync(fresh.SSTORE_DATA_DIR!), false);
});

test('names are cached for a short while: a second TAB answers from the cache', async () => {
  const local = isolatedEnv({ SSTORE_COMPLETION_DEADLINE_MS: '20000' });
  assert.equal((await runCli(['secrets', 'put', 'CACHED_ONE'], { env: local, input: 'v' })).code, 0);
  const ask = () => runCli(['__complete', 'bash', '--', 'secrets', 'get', 'CACHED'], { env: local });
  assert.equal((await ask()).stdout, 'CACHED_ONE\n:default\n');
  assert.equal((await runCli(['secrets', 'put', 'CACHED_TWO'], { env: local, input: 'v' })).code, 0);
  assert.equal((await ask()).stdout, 'CACHED_ONE\n:default\n', 'within the TTL the cached list is used');
  const otherScope = await runCli(['__complete', 'bash', '--', 'secrets', 'get', 'CACHED'], { env: { ...local, SSTORE_PROFILE: 'local' } });
  assert.equal(otherScope.stdout, 'CACHED_ONE\nCACHED_TWO\n:default\n', 'another profile selection has its own cache');
});

test('a server that never answers: completion gives up at the deadline, prints nothing on stderr, exits 0', async () => {
  const hanging = createServer(() => {
    // never answers
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  after(() => hanging.close());
  hanging.unref();
  const port = (hanging.address() as { port: number }).port;
  const slow = isolatedEnv({ SSTORE_API_URL: `http://127.0.0.1:${port}/client/v4`, CLOUDFLARE_ACCOUNT_ID: '0123456789abcdef0123456789abcdef', CLOUDFLARE_API_TOKEN: 't' });
  const started = Date.now();
  const result = await runCli(['__complete', 'bash', '--', 'secrets', 'list', '--store', ''], { env: slow });
  assert.equal(result.code, 0);
  assert.equal(result.stderr, '');
  assert.equal(result.stdout, ':default\n');
  assert.ok(Date.now() - started < 20_000, 'it did not wait for the request timeout');
  hanging.closeAllConnections();
});
