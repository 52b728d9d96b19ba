import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { MASK } from '../../src/run/masker.ts';
import { ROOT } from '../helpers/env.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'run');
const DRIVER = join(FIXTURES, 'driver.ts');

interface Driven {
  stdout: () => string;
  stderr: () => string;
  write: (text: string) => void;
  kill: (signal: NodeJS.Signals) => void;
  /** Resolves once stdout (or stderr) contains the text; rejects after a generous timeout. */
  waitFor: (text: string, stream?: 'stdout' | 'stderr') => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  closeStdout: () => void;
}

/** Runs the driver (the future `sstore run`) as a real process with piped stdio: no TTY, like CI. */
function drive(flags: string[], command: string[], secrets: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): Driven {
  const child = spawn(process.execPath, [DRIVER, ...flags, '--', ...command], {
    env: { ...process.env, ...extraEnv, DRIVER_SECRETS: JSON.stringify(secrets) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout.on('data', (c: Buffer) => ((out += c.toString()), wake()));
  child.stderr.on('data', (c: Buffer) => ((err += c.toString()), wake()));
  child.stdout.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(timer));
  return {
    stdout: () => out,
    stderr: () => err,
    write: (text) => child.stdin.write(text),
    kill: (signal) => child.kill(signal),
    exited,
    closeStdout: () => child.stdout.destroy(),
    waitFor: (text, stream = 'stdout') =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}; stdout=${JSON.stringify(out)} stderr=${JSON.stringify(err)}`)), 30_000);
        const check = () => {
          if ((stream === 'stdout' ? out : err).includes(text)) {
            clearTimeout(deadline);
            resolve();
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
  };
}

const node = (script: string, ...args: string[]) => [process.execPath, join(FIXTURES, script), ...args];
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

test('secrets become variables under their exact names; existing variables win unless --override; transform and prefix on request', async () => {
  const secrets = { API_KEY: 'k=1 "quoted"\nline2', EXISTING: 'from-secret', 'db-url': 'postgres://x', '2fa.Code': '123' };
  const names = ['API_KEY', 'EXISTING', 'db-url', '2fa.Code', 'DB_URL', 'APP_API_KEY', 'APP_DB_URL', 'DRIVER_SECRETS'];
  const plain = drive([], node('print-env.mjs', '0', ...names), secrets, { EXISTING: 'already' });
  assert.deepEqual(await plain.exited, { code: 0, signal: null });
  assert.deepEqual(JSON.parse(plain.stdout()), {
    API_KEY: secrets.API_KEY, EXISTING: 'already', 'db-url': 'postgres://x', '2fa.Code': '123', DB_URL: null, APP_API_KEY: null, APP_DB_URL: null, DRIVER_SECRETS: null,
  });

  const override = drive(['--override'], node('print-env.mjs', '0', 'EXISTING'), secrets, { EXISTING: 'already' });
  await override.exited;
  assert.deepEqual(JSON.parse(override.stdout()), { EXISTING: 'from-secret' });

  const prefixed = drive(['--prefix', 'APP_', '--name-transform', 'upper-snake'], node('print-env.mjs', '0', 'API_KEY', 'APP_API_KEY', 'APP_DB_URL', 'APP__2FA_CODE', 'db-url'), secrets);
  await prefixed.exited;
  assert.deepEqual(JSON.parse(prefixed.stdout()), { API_KEY: null, APP_API_KEY: secrets.API_KEY, APP_DB_URL: 'postgres://x', APP__2FA_CODE: '123', 'db-url': null });
});

test("sstore exits with the child's exit code", async () => {
  for (const code of [0, 1, 3, 42, 255]) {
    const run = drive([], node('print-env.mjs', String(code)), {});
    assert.equal((await run.exited).code, code);
  }
});

test('a command that does not exist exits 127 with one line on stderr', async () => {
  const run = drive([], ['sstore-no-such-command-xyz'], {});
  assert.equal((await run.exited).code, 127);
  assert.equal(run.stderr(), 'sstore: command not found: sstore-no-such-command-xyz\n');
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT'] as const) {
  test(`${signal} sent to sstore reaches the child, and sstore exits with the child's code`, async () => {
    const run = drive([], node('signals.mjs', 'handle'), {});
    await run.waitFor('ready\n');
    run.kill(signal);
    assert.deepEqual(await run.exited, { code: 40, signal: null });
    assert.equal(run.stdout(), `ready\ngot ${signal}\n`);
  });
}

test('a child killed by a forwarded signal makes sstore exit 128 + the signal number', async () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
    const run = drive(['--mask'], node('signals.mjs', 'die'), { S: 'unused-secret' });
    await run.waitFor('ready\n');
    run.kill(signal);
    assert.deepEqual(await run.exited, { code, signal: null }, signal);
  }
});

test('--mask: a value split across two writes is masked, and the output before it is not held back', async () => {
  const value = 'hunter2-sëcret🎉';
  const bytes = Buffer.from(value);
  const cut = bytes.indexOf(Buffer.from('ë')) + 1; // in the middle of a two-byte character
  const run = drive(['--mask'], node('gated-writes.mjs', b64(Buffer.concat([Buffer.from('\x1b[31mred\x1b[0m token: '), bytes.subarray(0, cut)])), b64(Buffer.concat([bytes.subarray(cut), Buffer.from(' done\n')]))), { TOKEN: value });
  await run.waitFor('token: ');
  assert.equal(run.stdout(), '\x1b[31mred\x1b[0m token: ', 'the start of the value is held back, everything before it is out');
  run.write('\n');
  assert.deepEqual(await run.exited, { code: 0, signal: null });
  assert.equal(run.stdout(), `\x1b[31mred\x1b[0m token: ${MASK} done\n`);
});

test('--mask: stderr is masked too, and a held-back prefix that turns out not to be a value is released', async () => {
  const run = drive(['--mask'], node('gated-writes.mjs', '--stderr', b64('warning: hunt'), b64('ing season, not hunter2\n')), { PASS: 'hunter2' });
  await run.waitFor('warning: ', 'stderr');
  run.write('\n');
  assert.equal((await run.exited).code, 0);
  assert.equal(run.stderr(), `warning: hunting season, not ${MASK}\n`);
});

test('--mask: when the reader goes away, the child gets SIGPIPE like in a shell pipeline, and sstore does not crash', async () => {
  const run = drive(['--mask'], ['sh', '-c', 'while :; do echo "line with s3cret"; done'], { S: 's3cret' });
  await run.waitFor(`line with ${MASK}\n`);
  run.closeStdout();
  assert.deepEqual(await run.exited, { code: 141, signal: null });
  // sh may say "I/O error" first; sstore itself prints nothing.
  assert.doesNotMatch(run.stderr(), /Error|sstore|\n\s+at /);
});
