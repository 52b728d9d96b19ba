import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const ROOT = 'root-token-for-cli-tests';
const ACCOUNT = '0123456789abcdef0123456789abcdef';

/** A machine without a keychain: no session bus, so the token must land in the 0600 file. */
function noKeychainEnv(): NodeJS.ProcessEnv {
  const env = isolatedEnv();
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return env;
}

test('a profile pointing at a real `sstore server`: login (file fallback), commands, logout', async () => {
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });
  const env = noKeychainEnv();
  const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });

  assert.equal((await run(['profile', 'add', 'dev', '--url', server.api, '--account', ACCOUNT])).code, 0);
  const refused = await run(['login', '--profile', 'dev'], 'not-the-token\n');
  assert.equal(refused.code, 4);
  assert.match(refused.stderr, /error: the token is not valid/);
  assert.equal(existsSync(join(env.SSTORE_CONFIG_DIR!, 'credentials.json')), false, 'a rejected token is not stored');

  const login = await run(['login', '--profile', 'dev'], `${ROOT}\n`);
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stderr, /no usable OS keychain; the token is in .*credentials\.json/);
  const file = join(env.SSTORE_CONFIG_DIR!, 'credentials.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const show = JSON.parse((await run(['profile', 'show', 'dev', '--json'])).stdout);
  assert.equal(show.credentials, 'file');
  assert.equal(show.url, server.api);

  assert.equal((await run(['--profile', 'dev', 'secrets', 'list'])).code, 3, 'no store on a server is an error, not a silent create');
  assert.equal((await run(['--profile', 'dev', 'stores', 'create', 'main'])).code, 0);
  const put = await run(['--profile', 'dev', 'secrets', 'put', 'API_KEY', '--scopes', 'workers,ai_gateway', '--verbose'], 's3cret-value');
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stderr, /POST http:\/\/127\.0\.0\.1:\d+\/client\/v4\/accounts\/.*\/secrets → 200/);
  assert.doesNotMatch(put.stderr, /s3cret-value|root-token/, 'verbose log redacts values and credentials');
  assert.equal((await run(['profile', 'use', 'dev'])).code, 0);
  const got = await run(['secrets', 'get', 'API_KEY', '--reveal']);
  assert.equal(got.stdout, 's3cret-value', 'the root token has the reveal permission on a local server');
  const list = JSON.parse((await run(['secrets', 'list', '--json'])).stdout);
  assert.deepEqual(list.map((s: { name: string; scopes: string[] }) => [s.name, s.scopes.sort()]), [['API_KEY', ['ai_gateway', 'workers']]]);
  assert.equal(JSON.parse((await run(['quota', '--json'])).stdout).secrets.usage, 1);

  const logout = await run(['logout', '--profile', 'dev']);
  assert.match(logout.stderr, /removed the token of profile dev/);
  const after = await run(['secrets', 'list']);
  assert.equal(after.code, 4);
  assert.match(after.stderr, /no API token for profile "dev"\nhint: run `sstore login --profile dev`/);
  assert.equal((await run(['profile', 'rm', 'dev'])).code, 0);
  const profiles = JSON.parse((await run(['profile', 'list', '--json'])).stdout);
  assert.deepEqual(profiles.map((p: { name: string; active: boolean }) => [p.name, p.active]), [['local', true]]);
});

test('CI needs no config file: environment variables alone select the server, account and token', async () => {
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });
  const env = noKeychainEnv();
  const ci = { ...env, SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: ROOT };
  const run = (args: string[], input?: string) => runCli(args, { env: ci, ...(input !== undefined && { input }) });
  assert.equal((await run(['stores', 'create', 'ci'])).code, 0);
  assert.equal((await run(['secrets', 'put', 'FROM_CI'], 'v')).code, 0);
  assert.deepEqual((await run(['secrets', 'list', '-q'])).stdout, 'FROM_CI\n');
  const show = JSON.parse((await run(['profile', 'show', '--json'])).stdout);
  assert.equal(show.selected_by, 'environment');
  assert.equal(show.credentials, 'CLOUDFLARE_API_TOKEN');
  assert.equal(existsSync(join(env.SSTORE_CONFIG_DIR!, 'config.json')), false);
  const wrong = await runCli(['secrets', 'list'], { env: { ...ci, CLOUDFLARE_API_TOKEN: 'wrong-token' } });
  assert.equal(wrong.code, 4);
});

test('a read-only token: listing works, writing and revealing are refused with exit 4, the store unchanged', async () => {
  const dataDir = tempDir();
  const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
  const created = await runCli(['server', 'token', 'create', '--name', 'reader', '--permissions', 'read', '--data', dataDir], { env: serverEnv });
  assert.equal(created.code, 0, created.stderr);
  const reader = created.stdout.trim();
  const server = await startServer({ env: serverEnv, dataDir });
  const base = { ...noKeychainEnv(), SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT };
  assert.equal((await runCli(['stores', 'create', 'main'], { env: { ...base, SSTORE_API_TOKEN: ROOT } })).code, 0);
  assert.equal((await runCli(['secrets', 'put', 'KEPT'], { env: { ...base, SSTORE_API_TOKEN: ROOT }, input: 'v' })).code, 0);
  const env = { ...base, SSTORE_API_TOKEN: reader };
  assert.equal((await runCli(['secrets', 'list', '-q'], { env })).stdout, 'KEPT\n');
  const put = await runCli(['secrets', 'put', 'NEW'], { env, input: 'v' });
  assert.equal(put.code, 4);
  assert.match(put.stderr, /lacks the "write" permission\nhint: ask for a token that has it: sstore server token create --name NAME --permissions read,write\n$/);
  const reveal = await runCli(['secrets', 'get', 'KEPT', '--reveal'], { env });
  assert.equal(reveal.code, 4);
  assert.equal(reveal.stdout, '');
  // The fix for a local server is a local token, not a Cloudflare permission.
  assert.match(reveal.stderr, /lacks the "reveal" permission\nhint: ask for a token that has it: sstore server token create --name NAME --permissions read,reveal\n$/);
  assert.doesNotMatch(reveal.stderr, /Secrets Store Read/);
  assert.equal((await runCli(['secrets', 'rm', 'KEPT', '--yes'], { env })).code, 4);
  assert.equal((await runCli(['secrets', 'list', '-q'], { env })).stdout, 'KEPT\n');
});

test('against Cloudflare itself, --reveal says values are write-only (exit 2) without sending a request', async () => {
  const env = { ...noKeychainEnv(), CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: 'unused', SSTORE_API_URL: '' };
  const r = await runCli(['secrets', 'get', 'ANY', '--reveal', '--verbose'], { env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: Cloudflare Secrets Store values are write-only/);
  assert.doesNotMatch(r.stderr, /GET /, 'no request was made');
});
