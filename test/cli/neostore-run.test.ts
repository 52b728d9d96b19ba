import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { providerUser } from '../helpers/provider-user.ts';
import { startServer } from '../helpers/server.ts';

/** Neostore returns values, so `run` and `export` read out of it like the embedded store: locally and over HTTP. */

const PRINT_ENV = ['sh', '-c', 'printf "%s|%s" "$DB_PASSWORD" "${LATER-unset}"'];

test('neostore --local profile: run and export see valid secrets; --name-transform upper-snake gives shell names', async () => {
  const env = isolatedEnv();
  const cli = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });
  assert.equal((await cli(['profile', 'add', 'dev-neo', '--provider', 'neostore', '--local'])).code, 0);
  assert.equal((await cli(['--profile', 'dev-neo', 'secrets', 'put', 'DB-PASSWORD'], "p@ss 'word'\n")).code, 0);
  assert.equal((await cli(['--profile', 'dev-neo', 'secrets', 'put', 'LATER', '--not-before', '+1h'], 'not yet\n')).code, 0);

  const run = await cli(['--profile', 'dev-neo', 'run', '--name-transform', 'upper-snake', '--', ...PRINT_ENV]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "p@ss 'word'|unset");

  const exported = await cli(['--profile', 'dev-neo', 'export', '--format', 'shell', '--name-transform', 'upper-snake']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.stdout, "export DB_PASSWORD='p@ss '\\''word'\\'''\n");
  const exact = await cli(['--profile', 'dev-neo', 'export', '--format', 'shell']);
  assert.equal(exact.code, 2);
  assert.match(exact.stderr, /^error: secret "DB-PASSWORD" is not a shell variable name, so --format shell cannot hold it\nhint: --name-transform upper-snake exports it as DB_PASSWORD/);
});

test('neostore over real HTTP: run and export read values through the Neostore API', async () => {
  const root = 'root-token-for-neostore-run';
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: root }), dataDir: tempDir() });
  const user = await providerUser(server, { profile: 'neo', provider: 'neostore', account: 'tenant-run', token: root });
  assert.equal((await user.run(['secrets', 'put', 'DB-PASSWORD'], 'over-http\n')).code, 0);

  const run = await user.run(['run', '--name-transform', 'upper-snake', '--', ...PRINT_ENV]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'over-http|unset');

  const exported = await user.run(['export', '--format', 'json']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual(JSON.parse(exported.stdout), { 'DB-PASSWORD': 'over-http' }, 'the exact name');
  assert.doesNotMatch(server.stderr(), /over-http/, 'no value in the access log');
});
