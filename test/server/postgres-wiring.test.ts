/**
 * The wiring of `--database` on the server commands: flags and variables, the exit codes and one-line errors of a
 * wrong combination, a missing or wrong master key and a database that cannot be reached, passwords never shown;
 * /healthz on both backends; a database outage answered with 503 and Retry-After in each dialect's own envelope.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { freshDatabase, startCluster, startPostgres, stopPostgres } from '../helpers/postgres.ts';
import { startServer } from '../helpers/server.ts';
import { assertOneLineError, newMasterKey } from './postgres-fixture.ts';

const PASSWORD = 'hunter2-not-shown';
/** Nothing listens on port 1 of loopback: connecting is refused at once. */
const NOWHERE = `postgres://team:${PASSWORD}@127.0.0.1:1/sstore`;

test('--data with --database is exit 2; --database takes only a postgres URL; no master key is exit 4; nothing shows the password', async () => {
  const env = isolatedEnv({ SSTORE_MASTER_KEY: newMasterKey() });
  for (const args of [
    ['server', 'start', '--port', '0', '--data', tempDir(), '--database', NOWHERE],
    ['server', 'token', 'list', '--data', tempDir(), '--database', NOWHERE],
  ]) {
    const both = await runCli(args, { env });
    assert.equal(both.code, 2, both.stderr);
    assertOneLineError(both.stderr, /--data .*--database .*exclude each other/);
    assert.ok(!both.stderr.includes(PASSWORD), both.stderr);
  }
  const notUrl = await runCli(['server', 'token', 'list', '--database', tempDir()], { env });
  assert.equal(notUrl.code, 2, notUrl.stderr);
  assertOneLineError(notUrl.stderr, /--database takes a postgres:\/\/ or postgresql:\/\/ URL/);
  const notUrlVariable = await runCli(['server', 'token', 'list'], { env: { ...env, SSTORE_DATABASE_URL: 'mysql://db/x' } });
  assert.equal(notUrlVariable.code, 2, notUrlVariable.stderr);
  assertOneLineError(notUrlVariable.stderr, /SSTORE_DATABASE_URL takes a postgres:\/\//);

  const malformed = await runCli(['server', 'token', 'list'], { env: { ...env, SSTORE_DATABASE_URL: `postgres://team:${PASSWORD}@db:port/x` } });
  assert.equal(malformed.code, 2, malformed.stderr);
  assertOneLineError(malformed.stderr, /SSTORE_DATABASE_URL is not a valid URL: postgres:\/\/team:\*\*\*@db:port\/x/);
  assert.ok(!malformed.stderr.includes(PASSWORD), malformed.stderr);

  const keyless = isolatedEnv({ SSTORE_DATABASE_URL: NOWHERE });
  for (const args of [['server', 'start', '--port', '0'], ['server', 'token', 'create', '--name', 'ci', '--permissions', 'read']]) {
    const noKey = await runCli(args, { env: keyless });
    assert.equal(noKey.code, 4, noKey.stderr);
    assertOneLineError(noKey.stderr, /SSTORE_MASTER_KEY is required with --database/);
    assert.ok(!noKey.stderr.includes(PASSWORD), noKey.stderr);
  }
});

test('a database that cannot be reached: exit 1 at once, one line naming it without its password', async () => {
  const env = isolatedEnv({ SSTORE_MASTER_KEY: newMasterKey(), SSTORE_DATABASE_URL: NOWHERE });
  const unreachable = await runCli(['server', 'token', 'list'], { env });
  assert.equal(unreachable.code, 1, unreachable.stderr);
  assertOneLineError(unreachable.stderr, /database unavailable \(postgres:\/\/team:\*\*\*@127\.0\.0\.1:1\/sstore\)/);
  assert.ok(!unreachable.stderr.includes(PASSWORD), unreachable.stderr);

  // A flag beats the variable: --data is the SQLite store, whatever SSTORE_DATABASE_URL says.
  const local = await runCli(['server', 'token', 'create', '--name', 'ci', '--permissions', 'read', '--data', tempDir()], { env });
  assert.equal(local.code, 0, local.stderr);
  assert.match(local.stdout, /^sst_/);
});

test('/healthz on SQLite says the database is reachable', async () => {
  const server = await startServer({ env: isolatedEnv(), storage: ['--data', tempDir()] });
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { ok: true, database: 'reachable' });
  assert.equal(await server.stop(), 0);
});

test('the token commands refuse a master key that does not open the database (exit 4) and change nothing', async () => {
  const database = await freshDatabase();
  const key = newMasterKey();
  const env = isolatedEnv({ SSTORE_DATABASE_URL: database, SSTORE_MASTER_KEY: key });
  const created = await runCli(['server', 'token', 'create', '--name', 'first', '--permissions', 'read'], { env });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /encrypted with the master key in SSTORE_MASTER_KEY/);

  const wrong = { ...env, SSTORE_MASTER_KEY: newMasterKey() };
  const refused = await runCli(['server', 'token', 'create', '--name', 'second', '--permissions', 'read'], { env: wrong });
  assert.equal(refused.code, 4, refused.stderr);
  assertOneLineError(refused.stderr, /the master key in SSTORE_MASTER_KEY does not open postgres:\/\/[^:]+:\*\*\*@/);
  assert.ok(!refused.stderr.includes(new URL(database).password), refused.stderr);
  assert.equal((await runCli(['server', 'token', 'list', '--quiet'], { env: wrong })).code, 4);

  const listed = await runCli(['server', 'token', 'list', '--quiet'], { env });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(listed.stdout.trim().split('\n'), ['first']);
  // Told once, to the instance that gave the database its key; later ones just use it.
  const again = await runCli(['server', 'token', 'create', '--name', 'third', '--permissions', 'read'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /encrypted with the master key/);
});

test('two keys racing to create one database: one wins, the other refuses (exit 4)', async () => {
  const database = await freshDatabase();
  const keys = [newMasterKey(), newMasterKey()];
  const results = await Promise.all(
    keys.map((key, i) =>
      runCli(['server', 'token', 'create', '--name', `racer${i}`, '--permissions', 'read'], { env: isolatedEnv({ SSTORE_DATABASE_URL: database, SSTORE_MASTER_KEY: key }) }),
    ),
  );
  assert.deepEqual(results.map((r) => r.code).sort(), [0, 4], results.map((r) => r.stderr).join('\n'));
  const winner = results.findIndex((r) => r.code === 0);
  assertOneLineError(results[1 - winner]!.stderr, /does not open/);
  const listed = await runCli(['server', 'token', 'list', '--quiet'], { env: isolatedEnv({ SSTORE_DATABASE_URL: database, SSTORE_MASTER_KEY: keys[winner] }) });
  assert.deepEqual(listed.stdout.trim().split('\n'), [`racer${winner}`]);
});

const ROOT = 'root-token-for-the-outage';
/** One request of each dialect, each with its own credentials. */
const DIALECTS = [
  { name: 'cloudflare', path: '/client/v4/accounts/985e105f4ecef8ad9ca31a8372d0c353/secrets_store/stores', headers: { authorization: `Bearer ${ROOT}` } },
  { name: 'sgp', path: '/v5/sgp/secrets', headers: { 'x-api-key': ROOT, 'x-selected-account-id': 'acct-outage' } },
  { name: 'neostore', path: '/api/tenant-outage/secrets', headers: { authorization: `Bearer ${ROOT}` } },
];

test('database down: every dialect answers 503 with Retry-After in its envelope, /healthz 503; back by itself', { timeout: 120_000 }, async () => {
  const cluster = await startCluster();
  const database = await freshDatabase(cluster);
  const env = isolatedEnv({ SSTORE_DATABASE_URL: database, SSTORE_MASTER_KEY: newMasterKey(), SSTORE_ROOT_TOKEN: ROOT });
  const server = await startServer({ env, storage: [] });
  for (const d of DIALECTS) assert.equal((await fetch(`${server.url}${d.path}`, { headers: d.headers })).status, 200, d.name);

  await stopPostgres(cluster);
  const bodies: Record<string, unknown> = {};
  for (const d of DIALECTS) {
    // Each answer is checked against the dialect's error schema by test/helpers/server.ts.
    const reply = await fetch(`${server.url}${d.path}`, { headers: d.headers, signal: AbortSignal.timeout(10_000) });
    assert.equal(reply.status, 503, d.name);
    assert.match(reply.headers.get('retry-after') ?? '', /^\d+$/, d.name);
    const text = await reply.text();
    assert.ok(!text.includes(new URL(database).port), `${d.name} told the client where the database is: ${text}`);
    bodies[d.name] = JSON.parse(text);
  }
  assert.equal((bodies.cloudflare as { success: boolean }).success, false);
  assert.match((bodies.sgp as { detail: string }).detail, /database is unavailable/);
  assert.equal((bodies.neostore as { status: number; title: string }).status, 503);
  const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(health.status, 503);
  assert.deepEqual(await health.json(), { ok: false, database: 'unreachable' });
  // The operator's log says why, without the password.
  assert.match(server.stderr(), /database unavailable \(postgres:\/\/[^:]+:\*\*\*@/);
  assert.ok(!server.stderr().includes(new URL(database).password));

  await startPostgres(cluster);
  let status = 0;
  for (let tries = 0; tries < 100 && status !== 200; tries++) {
    await sleep(100);
    status = (await fetch(`${server.url}/healthz`)).status;
  }
  assert.equal(status, 200, 'the server did not see the database back within 10 s');
  for (const d of DIALECTS) assert.equal((await fetch(`${server.url}${d.path}`, { headers: d.headers })).status, 200, d.name);
  assert.equal(await server.stop(), 0);
});
