/**
 * Secret history and the audit trail from the CLI: `secrets history`, `secrets rollback`, `secrets get --reveal
 * --version` and `sstore audit` (with `--follow`) on the embedded store; refusals, one line and exit 2 before any
 * request, on Cloudflare itself, SGP and Neostore.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { BIN, isolatedEnv } from '../helpers/env.ts';

const VALUES = ['one', 'two', 'three'].map((v) => `${v}-${randomBytes(6).toString('hex')}`);
const [V1, V2, V3] = VALUES as [string, string, string];
const outputs: string[] = [];

function cli(env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<CliResult> {
  return runCli(args, { env, ...(input !== undefined && { input }) }).then((result) => {
    outputs.push(result.stdout, result.stderr);
    return result;
  });
}

/** `get --reveal`: the one command meant to print a value, so its output is kept out of `outputs`. */
async function reveal(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const result = await runCli(['secrets', 'get', ...args, '--reveal'], { env });
  assert.equal(result.code, 0, result.stderr);
  outputs.push(result.stderr);
  return result.stdout;
}

async function ok(env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<string> {
  const result = await cli(env, args, input);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

interface Version {
  version: number;
  created: string;
  actor: string | null;
  current: boolean;
}

test('history, get --version and rollback on the embedded store; the trail records them; no value is ever listed', async () => {
  const env = isolatedEnv();
  await ok(env, ['secrets', 'put', 'DB'], V1);
  await ok(env, ['secrets', 'patch', 'DB'], V2);
  await ok(env, ['secrets', 'put', 'DB'], V3);

  const history = JSON.parse(await ok(env, ['secrets', 'history', 'DB', '--json'])) as Version[];
  assert.deepEqual(history.map((v) => [v.version, v.actor, v.current]), [[3, 'local', true], [2, 'local', false], [1, 'local', false]]);
  assert.ok(history[0]!.created >= history[1]!.created && history[1]!.created >= history[2]!.created);
  assert.equal(await ok(env, ['secrets', 'history', 'DB', '-q']), '3\n2\n1\n');
  const table = await ok(env, ['secrets', 'history', 'DB']);
  assert.match(table.split('\n')[1]!, /^3\s+\S.*\s+local\s+current$/);

  assert.equal(await reveal(env, ['DB', '--version', '1']), V1);
  assert.equal(await reveal(env, ['DB', '--version', '3']), V3);
  const missing = await cli(env, ['secrets', 'get', 'DB', '--reveal', '--version', '9']);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /version 9/);
  const noReveal = await cli(env, ['secrets', 'get', 'DB', '--version', '1']);
  assert.equal(noReveal.code, 2);
  assert.match(noReveal.stderr, /^error: --version reads an earlier value: give --reveal too\n/);

  const rolled = await cli(env, ['secrets', 'rollback', 'DB', '--to', '1']);
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.match(rolled.stderr, /version 1's value again/);
  assert.equal(await reveal(env, ['DB']), V1);
  const after = JSON.parse(await ok(env, ['secrets', 'history', 'DB', '--json'])) as Version[];
  assert.deepEqual(after.map((v) => [v.version, v.current]), [[4, true], [3, false], [2, false], [1, false]]);

  const trail = JSON.parse(await ok(env, ['audit', '--json', '--secret', 'DB'])) as Array<{ action: string; actor: string; detail: Record<string, unknown> | null }>;
  assert.deepEqual(trail.map((e) => e.action), ['secret.create', 'secret.update', 'secret.update', 'secret.reveal', 'secret.reveal', 'secret.rollback', 'secret.reveal']);
  assert.ok(trail.every((e) => e.actor === 'local'));
  assert.equal(trail[5]!.detail?.version, 1);

  // Deleting a secret deletes its history: a new secret of the same name starts at version 1.
  await ok(env, ['secrets', 'rm', 'DB', '--yes']);
  await ok(env, ['secrets', 'put', 'DB'], V2);
  assert.deepEqual((JSON.parse(await ok(env, ['secrets', 'history', 'DB', '--json'])) as Version[]).map((v) => v.version), [1]);

  for (const value of VALUES) assert.deepEqual(outputs.filter((text) => text.includes(value)), [], 'a value was printed outside get --reveal');
});

test('sstore audit --follow prints new entries as one JSON object per line, and Ctrl-C ends it with 130', async () => {
  const env = isolatedEnv();
  await ok(env, ['secrets', 'put', 'FIRST'], V1);
  const child = spawn(process.execPath, [BIN, 'audit', '--follow', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const lines = () => out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { action: string; name: string });
  const until = async (check: () => boolean) => {
    while (!check()) {
      if (child.exitCode !== null) assert.fail(`audit --follow ended early: ${err}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await until(() => lines().length >= 2); // the store `default` and FIRST
  assert.deepEqual(lines().map((e) => `${e.action} ${e.name}`), ['store.create default', 'secret.create FIRST']);
  await ok(env, ['secrets', 'put', 'SECOND'], V2);
  await until(() => lines().length >= 3);
  assert.deepEqual(lines()[2], { ...lines()[2], action: 'secret.create', name: 'SECOND' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  assert.equal(err, '');
  for (const value of VALUES) assert.ok(!out.includes(value));
});

test('Cloudflare itself, SGP and Neostore have no audit or history route: one line, exit 2, before any request', async () => {
  // Unroutable URLs: a request would fail with exit 7, so exit 2 proves none was sent.
  const profiles: Record<string, NodeJS.ProcessEnv> = {
    cloudflare: { CLOUDFLARE_ACCOUNT_ID: 'abc', CLOUDFLARE_API_TOKEN: 'token' },
    sgp: { SGP_ACCOUNT_ID: 'abc', SGP_API_KEY: 'token', SSTORE_API_URL: 'http://127.0.0.1:9' },
    neostore: { NEOSTORE_TENANT_ID: 'abc', NEOSTORE_API_KEY: 'token', SSTORE_API_URL: 'http://127.0.0.1:9' },
  };
  const commands: Array<[string[], RegExp]> = [
    [['audit'], /has no audit route, so sstore audit cannot work/],
    [['secrets', 'history', 'db'], /has no history route, so sstore secrets history cannot work/],
    [['secrets', 'rollback', 'db', '--to', '1'], /has no history route, so sstore secrets rollback cannot work/],
  ];
  for (const [provider, extra] of Object.entries(profiles)) {
    const env = isolatedEnv(extra);
    for (const [args, message] of commands) {
      const result = await cli(env, args);
      assert.equal(result.code, 2, `${provider} ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr.split('\n')[0]!, new RegExp(`^error: the ${provider} API ${message.source}`));
      assert.equal(result.stdout, '');
    }
  }
});
