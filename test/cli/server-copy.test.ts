import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { NASTY_VALUES } from '../helpers/nasty-values.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { startServer } from '../helpers/server.ts';

// `sstore server copy`, as a user runs it: the real CLI fills a data dir, copies it, and servers on the source and
// the copy must answer the same; the key is settled before anything is written, and the source is never changed.

const ROOT = 'root-token-for-copy-tests';
/** The account the embedded store (the `local` profile) writes to, which a server on that data dir shows. */
const LOCAL_ACCOUNT = '10ca1000000000000000000000000000';
const newKey = () => randomBytes(32).toString('base64');
const VALUES = Object.fromEntries(NASTY_VALUES.filter((v) => v.trim() !== '' && !v.includes('\0')).slice(0, 25).map((v, i) => [`K${i}`, v]));

function ok(result: CliResult, what: string): CliResult {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`);
  return result;
}

/** A data dir with two stores, secrets with awkward values, and a server token; through the CLI's embedded store. */
async function fill(dataDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const local = { ...env, SSTORE_DATA_DIR: dataDir };
  ok(await runCli(['stores', 'create', 'main'], { env: local }), 'stores create');
  ok(await runCli(['stores', 'create', 'other'], { env: local }), 'stores create');
  const file = join(tempDir(), 'values.json');
  writeFileSync(file, JSON.stringify(VALUES));
  ok(await runCli(['import', file, '--store', 'main'], { env: local }), 'import');
  ok(await runCli(['secrets', 'put', 'ONLY_HERE', '--store', 'other', '--comment', 'second store'], { env: local, input: 'v' }), 'put');
  ok(await runCli(['server', 'token', 'create', '--name', 'ci', '--permissions', 'read', '--data', dataDir], { env }), 'token create');
}

/** What clients see through a server on this storage: stores, secrets (metadata and values) and the tokens. */
async function served(storage: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  const server = await startServer({ env: { ...env, SSTORE_ROOT_TOKEN: ROOT }, storage });
  try {
    const client = isolatedEnv({ SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: LOCAL_ACCOUNT, CLOUDFLARE_API_TOKEN: ROOT });
    const stores = JSON.parse(ok(await runCli(['stores', 'list', '--json'], { env: client }), 'stores list').stdout) as unknown[];
    const secrets = JSON.parse(ok(await runCli(['secrets', 'list', '--all', '--json'], { env: client }), 'secrets list').stdout) as unknown[];
    // Every value (the bulk reveal route, through `export`), and two through `secrets get --reveal`.
    const values: Record<string, unknown> = {};
    for (const store of ['main', 'other']) {
      values[store] = JSON.parse(ok(await runCli(['export', '--store', store, '--format', 'json'], { env: client }), `export ${store}`).stdout);
    }
    for (const [name, store] of [['K1', 'main'], ['ONLY_HERE', 'other']] as const) {
      values[name] = ok(await runCli(['secrets', 'get', name, '--store', store, '--reveal'], { env: client }), `get ${name}`).stdout;
    }
    return { stores, secrets, values };
  } finally {
    await server.stop();
  }
}

async function tokens(storage: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  return JSON.parse(ok(await runCli(['server', 'token', 'list', '--json', ...storage], { env }), 'token list').stdout);
}

/**
 * The bytes of a data dir's database and of its write-ahead log: a source comes out of a copy byte for byte as it went
 * in. (A read-only connection may leave an empty -wal and a -shm index behind, as every read-only open does.)
 */
function fingerprint(dataDir: string): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(dataDir, 'sstore.db')));
  const wal = join(dataDir, 'sstore.db-wal');
  hash.update(existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0));
  return hash.digest('hex');
}

test('a data dir copied to another serves the same stores, secrets, values and tokens; --json gives the counts', async () => {
  const env = isolatedEnv({ SSTORE_MASTER_KEY: newKey() });
  const source = tempDir();
  await fill(source, env);
  const before = fingerprint(source);
  const target = join(tempDir(), 'copy', 'data');
  const copy = ok(await runCli(['server', 'copy', '--from', source, '--to', target, '--json'], { env }), 'copy');
  assert.deepEqual(JSON.parse(copy.stdout), { from: source, to: target, replaced: false, stores: 2, secrets: Object.keys(VALUES).length + 1, tokens: 1 });
  assert.equal(copy.stderr, `copied 2 stores, ${Object.keys(VALUES).length + 1} secrets and 1 token from ${source} to ${target}\n`);
  assert.equal(fingerprint(source), before, 'the source is not changed');
  assert.equal(statSync(join(target, 'sstore.db')).mode & 0o777, 0o600);
  const quiet = ok(await runCli(['server', 'copy', '-q', '--from', source, '--to', target, '--replace'], { env }), 'copy -q');
  assert.deepEqual([quiet.stdout, quiet.stderr], ['', '']);
  assert.deepEqual(await tokens(['--data', target], env), await tokens(['--data', source], env));
  const original = (await served(['--data', source], env)) as { values: Record<string, unknown> };
  assert.deepEqual(await served(['--data', target], env), original);
  assert.deepEqual(original.values.main, VALUES, 'the values are the ones written');
  assert.equal(original.values.K1, VALUES.K1);
});

test('a non-empty target is refused (exit 5) and left as it was; --replace replaces it', async () => {
  const env = isolatedEnv({ SSTORE_MASTER_KEY: newKey() });
  const source = tempDir();
  await fill(source, env);
  const target = tempDir();
  ok(await runCli(['server', 'token', 'create', '--name', 'old', '--permissions', 'admin', '--data', target], { env }), 'token create');
  const held = await tokens(['--data', target], env);
  const refused = await runCli(['server', 'copy', '--from', source, '--to', target], { env });
  assert.equal(refused.code, 5, refused.stderr);
  assert.equal(refused.stderr, `error: ${target} is not empty; nothing was copied\nhint: pass --replace to replace its stores, secrets and tokens with the copy\n`);
  assert.deepEqual(await tokens(['--data', target], env), held);

  const before = fingerprint(source);
  const replaced = ok(await runCli(['server', 'copy', '--from', source, '--to', target, '--replace'], { env }), 'copy --replace');
  assert.match(replaced.stderr, /^copied 2 stores, \d+ secrets and 1 token from /);
  assert.equal(fingerprint(source), before);
  assert.deepEqual(await tokens(['--data', target], env), await tokens(['--data', source], env), 'the old token is gone');
  assert.deepEqual(await served(['--data', target], env), await served(['--data', source], env));
});

test('a key that does not open the source, or a target keyed with another key, is refused (exit 4) with nothing written', async () => {
  const env = isolatedEnv({ SSTORE_MASTER_KEY: newKey() });
  const source = tempDir();
  await fill(source, env);
  const before = fingerprint(source);

  const nowhere = join(tempDir(), 'never-made');
  const wrongSource = await runCli(['server', 'copy', '--from', source, '--to', nowhere], { env: { ...env, SSTORE_MASTER_KEY: newKey() } });
  assert.equal(wrongSource.code, 4, wrongSource.stderr);
  assert.match(wrongSource.stderr, /^error: the master key from SSTORE_MASTER_KEY does not open .*sstore\.db\n/);
  assert.equal(existsSync(nowhere), false, 'not even the target folder was made');

  const otherEnv = { ...env, SSTORE_MASTER_KEY: newKey() };
  const keyed = tempDir();
  ok(await runCli(['stores', 'create', 'theirs'], { env: { ...otherEnv, SSTORE_DATA_DIR: keyed } }), 'stores create');
  const held = fingerprint(keyed);
  for (const replace of [[], ['--replace']]) {
    const refused = await runCli(['server', 'copy', '--from', source, '--to', keyed, ...replace], { env });
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /^error: cannot copy into .*: the master key from SSTORE_MASTER_KEY, which opens the source, does not open it; nothing was copied\n/);
    assert.equal(fingerprint(keyed), held, 'the target is not changed');
  }
  assert.equal(fingerprint(source), before);
});

test("a source keyed in its master.key file: the copy gets the same key beside it, and says where", async () => {
  const env = isolatedEnv({ SSTORE_NO_KEYCHAIN: '1' });
  const source = tempDir();
  await fill(source, env);
  const target = join(tempDir(), 'copy');
  const copy = ok(await runCli(['server', 'copy', '--from', source, '--to', target], { env }), 'copy');
  assert.match(copy.stderr, new RegExp(`^sstore: the copy's master key \\(the source's\\) is kept in ${join(target, 'master.key')}\\n`));
  assert.equal(readFileSync(join(target, 'master.key'), 'utf8'), readFileSync(join(source, 'master.key'), 'utf8'));
  assert.equal(statSync(join(target, 'master.key')).mode & 0o777, 0o600);
  assert.deepEqual(await served(['--data', target], env), await served(['--data', source], env));
});

test('usage: the same place twice (exit 2), a source with no data (exit 3)', async () => {
  const env = isolatedEnv({ SSTORE_MASTER_KEY: newKey() });
  const dir = tempDir();
  const same = await runCli(['server', 'copy', '--from', dir, '--to', `${dir}/.`], { env });
  assert.equal(same.code, 2, same.stderr);
  assert.equal(same.stderr, `error: --from and --to are the same (${dir}): nothing to copy\n`);
  const target = join(tempDir(), 'target');
  const empty = await runCli(['server', 'copy', '--from', dir, '--to', target], { env });
  assert.equal(empty.code, 3, empty.stderr);
  assert.match(empty.stderr, /^error: no sstore data in .*; nothing was copied\n/);
  assert.equal(existsSync(target), false);
});

test('a data dir → PostgreSQL → data dir round trip serves the same everywhere; SSTORE_MASTER_KEY is required', async () => {
  const env = isolatedEnv({ SSTORE_MASTER_KEY: newKey() });
  const source = tempDir();
  await fill(source, env);
  // The password in PGPASSWORD, as the warning about a password in argv advises.
  const withPassword = new URL(await freshDatabase());
  const pgEnv = { ...env, PGPASSWORD: decodeURIComponent(withPassword.password) };
  withPassword.password = '';
  const url = withPassword.href;

  const keyless: NodeJS.ProcessEnv = { ...pgEnv };
  delete keyless.SSTORE_MASTER_KEY;
  const noKey = await runCli(['server', 'copy', '--from', source, '--to', url], { env: keyless });
  assert.equal(noKey.code, 4, noKey.stderr);
  assert.match(noKey.stderr, /^error: SSTORE_MASTER_KEY is required with a PostgreSQL --from or --to/);

  const up = ok(await runCli(['server', 'copy', '--from', source, '--to', url], { env: pgEnv }), 'copy to PostgreSQL');
  assert.match(up.stderr, /^copied 2 stores, \d+ secrets and 1 token from .* to postgres:\/\//);
  assert.doesNotMatch(up.stderr, /warning/, 'no password in argv, no warning');
  const again = await runCli(['server', 'copy', '--from', source, '--to', url], { env: pgEnv });
  assert.equal(again.code, 5, again.stderr);

  // A password in argv is warned about, and never printed.
  const back = join(tempDir(), 'back');
  const password = pgEnv.PGPASSWORD;
  const withIt = new URL(url);
  withIt.password = password;
  const down = ok(await runCli(['server', 'copy', '--from', withIt.href, '--to', back, '--json'], { env: pgEnv }), 'copy from PostgreSQL');
  assert.match(down.stderr, /^sstore: warning: the --from URL holds a password, visible to other users in the process list; prefer PGPASSWORD/);
  assert.ok(!down.stdout.includes(password) && !down.stderr.includes(password), 'the password is not printed');
  assert.match((JSON.parse(down.stdout) as { from: string }).from, /^postgres:\/\/[^:]+:\*\*\*@/);
  // Before any server starts on them (each adds its root token).
  const made = await tokens(['--data', source], env);
  assert.deepEqual(await tokens(['--database', url], pgEnv), made);
  assert.deepEqual(await tokens(['--data', back], env), made);
  const original = await served(['--data', source], env);
  assert.deepEqual(await served(['--database', url], pgEnv), original);
  assert.deepEqual(await served(['--data', back], env), original);
});
