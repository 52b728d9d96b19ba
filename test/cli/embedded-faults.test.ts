import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { BIN, isolatedEnv, tempDir } from '../helpers/env.ts';

/**
 * Every way the embedded store can fail to open reaches the user as itself: through the in-process transport
 * (`secrets list` on the `local` profile) the same lines and exit code as `sstore server start` on the same data,
 * at once (no retry), and SSTORE_DEBUG=1 shows the stack.
 */

const KEY_PROBLEM = 4;

function machine(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv({ SSTORE_NO_KEYCHAIN: '1', ...extra });
}

/** A data dir holding a store with one secret, its key in master.key. */
async function storeIn(dir: string): Promise<void> {
  const put = await runCli(['secrets', 'put', 'A'], { env: machine({ SSTORE_DATA_DIR: dir }), input: 'a-value' });
  assert.equal(put.code, 0, put.stderr);
  assert.ok(existsSync(join(dir, 'master.key')));
}

/** Only the error lines: `--verbose` adds `sstore: …` request lines. */
const errorLines = (r: CliResult) => r.stderr.split('\n').filter((line) => line.startsWith('error: ') || line.startsWith('hint: '));

async function assertToldAsItIs(what: string, env: NodeJS.ProcessEnv, code: number, message: RegExp, run = runCli): Promise<void> {
  const server = await run(['server', 'start', '--port', '0'], { env, timeoutMs: 20_000 });
  const cli = await run(['secrets', 'list', '--verbose'], { env });
  assert.equal(server.code, code, `${what}: server start: ${server.stderr}`);
  assert.equal(cli.code, code, `${what}: secrets list: ${cli.stderr}`);
  assert.match(cli.stderr, message, what);
  assert.deepEqual(errorLines(cli), errorLines(server), `${what}: the same lines as server start`);
  assert.equal(errorLines(cli).filter((l) => l.startsWith('error: ')).length, 1, `${what}: one error line`);
  assert.doesNotMatch(cli.stderr, /cannot reach|retrying/, `${what}: not a network failure, never retried`);
  assert.equal(cli.stderr.split('\n').filter((l) => l.includes(' → ')).length, 1, `${what}: one attempt (--verbose logs each)`);
  const debug = await run(['secrets', 'list'], { env: { ...env, SSTORE_DEBUG: '1' } });
  assert.equal(debug.code, code, what);
  assert.match(debug.stderr, /^\s+at .+/m, `${what}: SSTORE_DEBUG=1 shows the stack`);
}

test('key faults: wrong, malformed, missing, truncated or another store\'s key exit 4 in one line, as server start says', async () => {
  const dir = join(tempDir(), 'data');
  await storeIn(dir);
  const keyFile = join(dir, 'master.key');
  const goodKey = readFileSync(keyFile);

  await assertToldAsItIs('wrong SSTORE_MASTER_KEY', machine({ SSTORE_DATA_DIR: dir, SSTORE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }), KEY_PROBLEM, /^error: the master key from SSTORE_MASTER_KEY does not open /m);
  await assertToldAsItIs('malformed SSTORE_MASTER_KEY', machine({ SSTORE_DATA_DIR: dir, SSTORE_MASTER_KEY: 'abc' }), KEY_PROBLEM, /^error: SSTORE_MASTER_KEY must be 32 bytes of base64/m);

  writeFileSync(keyFile, goodKey.subarray(0, 12));
  await assertToldAsItIs('truncated master.key', machine({ SSTORE_DATA_DIR: dir }), KEY_PROBLEM, /master\.key must be 32 bytes of base64/);

  const other = join(tempDir(), 'other');
  await storeIn(other);
  copyFileSync(join(other, 'master.key'), keyFile);
  await assertToldAsItIs("another store's master.key", machine({ SSTORE_DATA_DIR: dir }), KEY_PROBLEM, /^error: the master key from .*master\.key does not open /m);

  writeFileSync(keyFile, '');
  await assertToldAsItIs('empty master.key', machine({ SSTORE_DATA_DIR: dir }), KEY_PROBLEM, /must be 32 bytes/);

  const { rmSync } = await import('node:fs');
  rmSync(keyFile);
  await assertToldAsItIs('missing master.key', machine({ SSTORE_DATA_DIR: dir }), KEY_PROBLEM, /^error: no master key found for /m);

  // Nothing above changed the store: the right key still opens it, with its secret.
  writeFileSync(keyFile, goodKey);
  const list = await runCli(['secrets', 'list', '-q'], { env: machine({ SSTORE_DATA_DIR: dir }) });
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout, 'A\n');
});

test('database and folder faults: corrupt or foreign sstore.db, a file, an impossible folder, as server start says', async () => {
  const root = tempDir();

  const corrupt = join(root, 'corrupt');
  mkdirSync(corrupt);
  writeFileSync(join(corrupt, 'sstore.db'), Buffer.alloc(8192, 0x5a));
  await assertToldAsItIs('corrupt sstore.db', machine({ SSTORE_DATA_DIR: corrupt }), 1, /sstore\.db: file is not a database/);
  const debug = await runCli(['secrets', 'list'], { env: machine({ SSTORE_DATA_DIR: corrupt, SSTORE_DEBUG: '1' }) });
  assert.match(debug.stderr, /^caused by: Error: file is not a database\n\s+at /m, "SSTORE_DEBUG=1 shows the cause's stack");

  const foreign = join(root, 'foreign');
  mkdirSync(foreign);
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(join(foreign, 'sstore.db'));
  db.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'mine\')');
  db.close();
  await assertToldAsItIs('foreign sstore.db', machine({ SSTORE_DATA_DIR: foreign }), 2, /^error: .*sstore\.db is not an sstore database/m);
  const after = new DatabaseSync(join(foreign, 'sstore.db'));
  assert.deepEqual(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name), ['notes'], 'no sstore table was added');
  after.close();

  const file = join(root, 'a-file');
  writeFileSync(file, 'not a folder');
  await assertToldAsItIs('SSTORE_DATA_DIR is a file', machine({ SSTORE_DATA_DIR: file }), 2, /^error: .*a-file is not a directory/m);
  await assertToldAsItIs('SSTORE_DATA_DIR under a file', machine({ SSTORE_DATA_DIR: join(file, 'sub') }), 2, /^error: cannot create .*\(ENOTDIR\)/m);

  // Node's recursive mkdir spins for ever on /proc (ENOENT under an existing parent): one line instead.
  if (existsSync('/proc/self')) {
    await assertToldAsItIs('SSTORE_DATA_DIR=/proc/x', machine({ SSTORE_DATA_DIR: '/proc/x' }), 2, /^error: cannot create \/proc\/x, the data directory/m);
  }
});

/** Runs the binary as an unprivileged user when the tests run as root (who may read any folder). */
function runUnprivileged(args: string[], options: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'setpriv' : process.execPath;
  const argv = asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args] : [BIN, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

test('an unreadable data dir is a permission problem (exit 4) in one line, as server start says', async () => {
  const root = tempDir();
  chmodSync(root, 0o755); // the unprivileged user may enter it, not the data dir inside
  const home = join(root, 'home');
  mkdirSync(home, { mode: 0o777 });
  chmodSync(home, 0o777);
  const data = join(root, 'data');
  mkdirSync(data);
  chmodSync(data, 0o000);
  const env = machine({ HOME: home, SSTORE_CONFIG_DIR: join(home, 'config'), SSTORE_CACHE_DIR: join(home, 'cache'), SSTORE_DATA_DIR: data });
  await assertToldAsItIs('unreadable data dir', env, 4, /^error: cannot read and write .*data, the data directory/m, runUnprivileged);
});

test('read-only commands never create data: server token list --data /typo creates nothing (exit 3)', async () => {
  const typo = join(tempDir(), 'typo');
  const env = machine();
  for (const args of [['server', 'token', 'list', '--data', typo], ['server', 'token', 'revoke', 'ci', '--data', typo]]) {
    const r = await runCli(args, { env });
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: no embedded store in .*typo; nothing was created\nhint: /);
    assert.equal(existsSync(typo), false, `${args.join(' ')} created ${typo}`);
  }
});
