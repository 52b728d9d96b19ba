import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { MASK } from '../../src/run/masker.ts';
import { runCli } from '../helpers/cli.ts';
import { BIN, isolatedEnv, ROOT } from '../helpers/env.ts';

// `sstore run` as a user runs it: the real binary, the embedded store on disk, real child processes.
const FIXTURES = join(ROOT, 'test', 'fixtures', 'run');
const node = (script: string, ...args: string[]) => [process.execPath, join(FIXTURES, script), ...args];
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

async function withSecrets(secrets: Record<string, string>, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const env = isolatedEnv(extra);
  for (const [name, value] of Object.entries(secrets)) {
    const put = await runCli(['secrets', 'put', name], { env, input: value });
    assert.equal(put.code, 0, put.stderr);
  }
  return env;
}

/** sstore run with piped stdio (no TTY, like CI), for tests that talk to the child while it runs. */
function start(env: NodeJS.ProcessEnv, args: string[]) {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (c: Buffer) => ((out += c.toString()), waiters.splice(0).forEach((w) => w())));
  child.stderr.on('data', (c: Buffer) => ((err += c.toString()), waiters.splice(0).forEach((w) => w())));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(timer));
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    waitFor: (text: string) =>
      new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}; stdout=${JSON.stringify(out)} stderr=${JSON.stringify(err)}`)), 30_000);
        const check = () => (out.includes(text) ? (clearTimeout(deadline), resolve()) : waiters.push(check));
        check();
      }),
  };
}

test('the child gets every secret as a variable, the environment wins unless --override, --prefix and --only select', async () => {
  const secrets = { API_KEY: 'k=1 "quoted"\nline2 $HOME', EXISTING: 'from-secret', DB_URL: 'postgres://u:p@h/db' };
  const env = await withSecrets(secrets, { EXISTING: 'already' });
  const print = (flags: string[], ...names: string[]) => runCli(['run', ...flags, '--', ...node('print-env.mjs', '0', ...names)], { env });

  const plain = await print([], 'API_KEY', 'EXISTING', 'DB_URL');
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout), { API_KEY: secrets.API_KEY, EXISTING: 'already', DB_URL: secrets.DB_URL });
  assert.equal(plain.stderr, '', 'nothing but the child on stderr');

  assert.deepEqual(JSON.parse((await print(['--override'], 'EXISTING')).stdout), { EXISTING: 'from-secret' });
  assert.deepEqual(JSON.parse((await print(['--prefix', 'APP_'], 'API_KEY', 'APP_API_KEY', 'APP_DB_URL')).stdout), { API_KEY: null, APP_API_KEY: secrets.API_KEY, APP_DB_URL: secrets.DB_URL });
  assert.deepEqual(JSON.parse((await print(['--only', 'DB_URL'], 'API_KEY', 'DB_URL')).stdout), { API_KEY: null, DB_URL: secrets.DB_URL });

  const missing = await print(['--only', 'DB_URL,NOPE'], 'DB_URL');
  assert.equal(missing.code, 3);
  assert.equal(missing.stdout, '', 'the command does not run when --only names a missing secret');
  assert.match(missing.stderr, /^error: no secret named "NOPE" in store "default"$/m);
});

test("sstore exits with the child's exit code; a missing command is 127", async () => {
  const env = await withSecrets({ A: 'x' });
  for (const code of [0, 1, 3, 42, 255]) assert.equal((await runCli(['run', '--', ...node('print-env.mjs', String(code))], { env })).code, code);
  const missing = await runCli(['run', '--', 'sstore-no-such-command-xyz'], { env });
  assert.equal(missing.code, 127);
  assert.equal(missing.stderr, 'error: command not found: sstore-no-such-command-xyz\n');
});

test('stdin is passed through to the child untouched', async () => {
  const env = await withSecrets({ A: 'x' });
  const result = await runCli(['run', '--', 'cat'], { env, input: 'line one\nline two\n' });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'line one\nline two\n');
});

test('an empty store still runs the command', async () => {
  const env = isolatedEnv();
  assert.equal((await runCli(['stores', 'create', 'empty'], { env })).code, 0);
  const result = await runCli(['run', '--store', 'empty', '--', 'sh', '-c', 'echo ran; exit 7'], { env });
  assert.equal(result.code, 7);
  assert.equal(result.stdout, 'ran\n');
});

test('a signal sent to sstore reaches the child; a child killed by it makes sstore exit 128 + n', async () => {
  const env = await withSecrets({ S: 'v' });
  const handled = start(env, ['--', ...node('signals.mjs', 'handle')]);
  await handled.waitFor('ready\n');
  handled.child.kill('SIGTERM');
  assert.deepEqual(await handled.exited, { code: 40, signal: null });
  assert.equal(handled.stdout(), 'ready\ngot SIGTERM\n');

  const dying = start(env, ['--mask', '--', ...node('signals.mjs', 'die')]);
  await dying.waitFor('ready\n');
  dying.child.kill('SIGINT');
  assert.deepEqual(await dying.exited, { code: 130, signal: null });
});

test('--mask hides a value split across two writes (inside a UTF-8 character), keeps colour codes and unrelated text', async () => {
  const value = 'hunter2-sëcret🎉';
  const env = await withSecrets({ TOKEN: value });
  const bytes = Buffer.from(value);
  const cut = bytes.indexOf(Buffer.from('ë')) + 1;
  const first = Buffer.concat([Buffer.from('\x1b[31mred\x1b[0m token: '), bytes.subarray(0, cut)]);
  const second = Buffer.concat([bytes.subarray(cut), Buffer.from(' done\n')]);
  const run = start(env, ['--mask', '--', ...node('gated-writes.mjs', b64(first), b64(second))]);
  await run.waitFor('token: ');
  assert.equal(run.stdout(), '\x1b[31mred\x1b[0m token: ', 'what comes before the value is not held back');
  run.child.stdin.write('\n');
  assert.deepEqual(await run.exited, { code: 0, signal: null });
  assert.equal(run.stdout(), `\x1b[31mred\x1b[0m token: ${MASK} done\n`);

  const both = await runCli(['run', '--mask', '--', 'sh', '-c', 'echo "out $TOKEN"; echo "err $TOKEN" >&2'], { env });
  assert.equal(both.stdout, `out ${MASK}\n`);
  assert.equal(both.stderr, `err ${MASK}\n`);
});

test('--mask leaves values shorter than 4 characters visible and says which, never what they are', async () => {
  const env = await withSecrets({ ONE: '1', ON: 'on', TOKEN: 'hunter2' });
  const result = await runCli(['run', '--mask', '--', 'sh', '-c', 'echo "$ONE $ON $TOKEN: 10 ons"'], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `1 on ${MASK}: 10 ons\n`, 'short values would garble every digit and word');
  assert.equal(result.stderr, 'sstore: --mask leaves 2 values shorter than 4 characters visible: ON, ONE\n');
  const unmasked = await runCli(['run', '--', 'true'], { env });
  assert.equal(unmasked.stderr, '', 'no notice without --mask');
});

test('against Cloudflare itself run and export refuse in one line with exit 2, before any request', async () => {
  const env = isolatedEnv({ CLOUDFLARE_ACCOUNT_ID: '0123456789abcdef0123456789abcdef', CLOUDFLARE_API_TOKEN: 'not-a-real-token' });
  for (const args of [['run', '--', 'true'], ['export'], ['export', '--format', 'json']]) {
    const result = await runCli(args, { env });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^error: Cloudflare Secrets Store values are write-only: the API never returns them, so sstore (run|export) cannot read them\nhint: [^\n]+\n$/);
  }
});
