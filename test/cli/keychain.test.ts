import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const ROOT = 'root-token-for-keychain-tests';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const present = process.env.SSTORE_TEST_KEYCHAIN === '1' && Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);

test('login stores the token in a real Secret Service, not in a file; logout removes it', { skip: present ? false : 'no Secret Service (run under dbus-run-session with gnome-keyring and SSTORE_TEST_KEYCHAIN=1)' }, async () => {
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });
  // Shares the session's keychain; a unique profile name keeps runs apart.
  const profile = `kc-${process.pid}-${Date.now()}`;
  const env = isolatedEnv();
  const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });
  assert.equal((await run(['profile', 'add', profile, '--url', server.api, '--account', ACCOUNT])).code, 0);
  const login = await run(['login', '--profile', profile], ROOT);
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stderr, /stored in the OS keychain/);
  assert.equal(existsSync(join(env.SSTORE_CONFIG_DIR!, 'credentials.json')), false);
  assert.equal(JSON.parse((await run(['profile', 'show', profile, '--json'])).stdout).credentials, 'keychain');
  assert.equal((await run(['--profile', profile, 'stores', 'create', 'main'])).code, 0);
  assert.equal((await run(['--profile', profile, 'stores', 'list', '-q'])).stdout, 'main\n');
  assert.equal((await run(['logout', '--profile', profile])).code, 0);
  assert.equal((await run(['--profile', profile, 'stores', 'list'])).code, 4);
});

test('a broken keychain never blocks env auth or the embedded store', async () => {
  const env = { ...isolatedEnv(), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
  const put = await runCli(['secrets', 'put', 'X'], { env, input: 'v' });
  assert.equal(put.code, 0, put.stderr);
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });
  const r = await runCli(['quota', '--json'], { env: { ...env, SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, SSTORE_API_TOKEN: ROOT } });
  assert.equal(r.code, 0, r.stderr);
});
