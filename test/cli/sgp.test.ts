import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { assertRefused, providerUser, requestCount } from '../helpers/provider-user.ts';
import { startServer } from '../helpers/server.ts';
import { createToken } from '../helpers/tokens.ts';

/** The SGP provider of the CLI against a real `sstore server start`, over real HTTP. */

const ROOT = 'root-token-for-sgp-cli';
const ACCOUNT = 'acct-sgp-cli';
const dataDir = tempDir();
const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
const reader = await createToken(serverEnv, dataDir, { name: 'sgp-reader', permissions: 'read' });
const otherAccount = await createToken(serverEnv, dataDir, { name: 'sgp-other', permissions: 'read,write', account: 'someone-else' });
const server = await startServer({ env: serverEnv, dataDir });

const sgpUser = () => providerUser(server, { profile: 'gp', provider: 'sgp', account: ACCOUNT, token: ROOT });

test('sgp: every secrets command over real HTTP, supported ones working and the rest refused in one line (exit 2)', async () => {
  const { run } = await sgpUser();
  const created = await run(['secrets', 'put', 'db-password', '--comment', 'primary db'], 'hunter2\n');
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, new RegExp(`created secret db-password in store ${ACCOUNT}`));
  const updated = await run(['secrets', 'put', 'db-password', '--json'], 'hunter3');
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(updated.stderr, /updated secret db-password/);
  const cloudSecret = JSON.parse(updated.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(cloudSecret).sort(), ['account_id', 'cloud_secret_path', 'created_at', 'created_by', 'description', 'id', 'key', 'object', 'updated_at', 'updated_by']);
  assert.equal(cloudSecret.key, 'db-password');
  assert.equal(cloudSecret.description, 'primary db', 'a put without --comment keeps the description');
  assert.equal(cloudSecret.account_id, ACCOUNT);
  assert.equal(cloudSecret.object, 'sgp_cloud_secret');
  assert.equal('value' in cloudSecret, false);
  assert.equal((await run(['secrets', 'put', 'api-key'], 'k')).code, 0);

  const get = await run(['secrets', 'get', 'db-password']);
  assert.equal(get.code, 0, get.stderr);
  assert.match(get.stdout, /^name +db-password$/m);
  assert.match(get.stdout, /^comment +primary db$/m);
  assert.doesNotMatch(get.stdout, /^scopes/m, 'sgp secrets have no scopes');
  const byId = await run(['secrets', 'get', String(cloudSecret.id), '-q']);
  assert.equal(byId.stdout, 'db-password\n');

  assert.deepEqual((await run(['secrets', 'list', '-q'])).stdout, 'api-key\ndb-password\n');
  const listed = JSON.parse((await run(['secrets', 'list', '--json'])).stdout) as { key: string; id: string }[];
  assert.deepEqual(listed.map((s) => s.key), ['api-key', 'db-password']);
  const table = await run(['secrets', 'list']);
  assert.match(table.stdout, /^NAME +COMMENT +MODIFIED +ID$/m);
  assert.match(table.stdout, /^db-password +primary db /m);
  assert.equal((await run(['secrets', 'list', '--search', 'PRIMARY', '-q'])).stdout, 'db-password\n', 'search is client-side, over key and description');
  assert.equal((await run(['secrets', 'list', '--order', 'created', '--direction', 'desc', '-q'])).stdout, 'api-key\ndb-password\n');
  assertRefused(await run(['secrets', 'list', '--order', 'status']), 2, /^error: ordering by status is not supported by the sgp provider$/m);

  const patched = await run(['secrets', 'patch', 'db-password', '--comment', 'rotated', '--json']);
  assert.equal(patched.code, 0, patched.stderr);
  assert.equal(JSON.parse(patched.stdout).description, 'rotated');
  const newValue = await run(['secrets', 'patch', 'db-password'], 'hunter4');
  assert.equal(newValue.code, 0, newValue.stderr);
  assert.match(newValue.stderr, /updated value of secret db-password/);

  // Refused without a request: the access log does not move.
  const before = requestCount(server);
  assertRefused(await run(['secrets', 'get', 'db-password', '--reveal']), 2, /^error: SGP secret values are write-only/);
  assertRefused(await run(['secrets', 'dup', 'db-password', 'db-copy']), 2, /^error: secrets dup is not supported by the sgp provider\nhint: /);
  assertRefused(await run(['secrets', 'patch', 'db-password', '--scopes', 'workers']), 2, /^error: --scopes is not supported by the sgp provider$/m);
  assertRefused(await run(['secrets', 'put', 'x', '--scopes', 'workers'], 'v'), 2, /--scopes is not supported by the sgp provider/);
  assertRefused(await run(['secrets', 'put', 'x', '--expires-on', '+1d'], 'v'), 2, /validity window .* is not supported by the sgp provider/);
  assertRefused(await run(['stores', 'create', 'another']), 2, /^error: stores create is not supported by the sgp provider$/m);
  assertRefused(await run(['stores', 'delete', ACCOUNT]), 2, /^error: stores delete is not supported by the sgp provider$/m);
  assert.equal(requestCount(server), before, 'no request for what sgp cannot do');

  const stores = await run(['stores', 'list', '--json']);
  assert.deepEqual(JSON.parse(stores.stdout), [{ id: ACCOUNT, name: ACCOUNT, implicit: 'account' }]);
  assert.equal((await run(['stores', 'list', '-q'])).stdout, `${ACCOUNT}\n`);
  assert.equal((await run(['secrets', 'list', '--store', ACCOUNT, '-q'])).stdout, 'api-key\ndb-password\n', '--store may name the account');
  assertRefused(await run(['secrets', 'list', '--store', 'main']), 3, /no store named "main"; stores: acct-sgp-cli/);

  const quota = await run(['quota']);
  assert.equal(quota.code, 0);
  assert.match(quota.stdout, /^secrets +2 used \(limit unknown: the sgp API reports none\)$/m);
  assert.doesNotMatch(quota.stdout, /left/);
  assert.deepEqual(JSON.parse((await run(['quota', '--json'])).stdout), { secrets: { usage: 2, quota: null } });

  assertRefused(await run(['secrets', 'rm', 'api-key', 'no-such-key', '--yes']), 3, /no secret named "no-such-key"/);
  assert.equal((await run(['secrets', 'list', '-q'])).stdout, 'api-key\ndb-password\n', 'one unknown name: nothing deleted');
  const rm = await run(['secrets', 'rm', 'api-key', 'db-password', '--yes', '--json']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.deepEqual((JSON.parse(rm.stdout) as { key: string }[]).map((s) => s.key), ['api-key', 'db-password']);
  assert.equal((await run(['secrets', 'list', '--json'])).stdout.trim(), '[]');
  assertRefused(await run(['secrets', 'get', 'db-password']), 3, /no secret named "db-password"/);
});

test('sgp: keys that break the SGP rule are refused before any request (exit 2, access log unchanged)', async () => {
  const { run } = await sgpUser();
  const before = requestCount(server);
  for (const key of ['DB_PASSWORD', 'has.dot', '-lead', 'trail-', 'a'.repeat(91), 'ünï']) {
    assertRefused(await run(['secrets', 'put', '--', key], 'v'), 2, /^error: invalid SGP key/);
  }
  const upper = await run(['secrets', 'put', 'API_KEY'], 'v');
  assert.match(upper.stderr, /hint: for example: api-key/);
  assertRefused(await run(['secrets', 'get', 'Not_A_Key']), 2, /invalid SGP key "Not_A_Key"/);
  assertRefused(await run(['secrets', 'patch', 'Not_A_Key', '--comment', 'x']), 2, /invalid SGP key/);
  assertRefused(await run(['secrets', 'rm', 'ok-key', 'Not_A_Key', '--yes']), 2, /invalid SGP key/);
  assert.equal(requestCount(server), before);
  assert.equal((await run(['secrets', 'put', 'a'.repeat(90)], 'v')).code, 0, '90 characters is the limit');
});

test('sgp: auth, scopes and accounts are refused with exit 4; the secrets are unchanged', async () => {
  const { run } = await sgpUser();
  assert.equal((await run(['secrets', 'put', 'kept'], 'v')).code, 0);
  const asReader = { SSTORE_API_TOKEN: reader };
  assert.equal((await run(['secrets', 'list', '-q'], undefined, asReader)).stdout.split('\n').includes('kept'), true, 'a read token lists');
  const put = await run(['secrets', 'put', 'new-one'], 'v', asReader);
  assertRefused(put, 4, /^error: this token lacks the "write" permission$/m);
  assertRefused(await run(['secrets', 'patch', 'kept', '--comment', 'x'], undefined, asReader), 4, /lacks the "write" permission/);
  assertRefused(await run(['secrets', 'rm', 'kept', '--yes'], undefined, asReader), 4, /lacks the "write" permission/);
  assertRefused(await run(['secrets', 'list'], undefined, { SSTORE_API_TOKEN: otherAccount }), 4, /not allowed to access account acct-sgp-cli/);
  const bad = await run(['secrets', 'list'], undefined, { SSTORE_API_TOKEN: 'sst_not-a-real-token' });
  assertRefused(bad, 4, /^error: Invalid API key\nhint: check the API key: `sstore --profile gp login`, or set SGP_API_KEY/);
  const login = await runCli(['login', '--profile', 'gp'], { env: (await sgpUser()).env, input: 'wrong-token\n' });
  assert.equal(login.code, 4, 'login checks the key with one request');
  assert.equal((await run(['secrets', 'list', '-q'])).stdout.split('\n').includes('kept'), true);
  assert.equal((await run(['secrets', 'list', '-q'])).stdout.includes('new-one'), false);
});

test('sgp in CI: SGP_API_KEY + SGP_ACCOUNT_ID + SSTORE_API_URL, no config file; tokens of other providers are never sent', async () => {
  const env = isolatedEnv();
  const ci = { ...env, SGP_API_KEY: ROOT, SGP_ACCOUNT_ID: 'acct-ci', SSTORE_API_URL: server.url };
  const run = (args: string[], input?: string, e: NodeJS.ProcessEnv = ci) => runCli(args, { env: e, ...(input !== undefined && { input }) });
  const put = await run(['secrets', 'put', 'from-ci'], 'v');
  assert.equal(put.code, 0, put.stderr);
  assert.equal((await run(['secrets', 'list', '-q'])).stdout, 'from-ci\n');
  const show = JSON.parse((await run(['profile', 'show', '--json'])).stdout);
  assert.equal(show.provider, 'sgp');
  assert.equal(show.selected_by, 'environment');
  assert.equal(show.credentials, 'SGP_API_KEY');
  assert.equal(show.account, 'acct-ci');
  assert.deepEqual(show.overridden, ['url (SSTORE_API_URL)', 'account (SGP_ACCOUNT_ID)']);
  assert.equal(existsSync(join(env.SSTORE_CONFIG_DIR!, 'config.json')), false);

  // A Cloudflare token is not an SGP key: it is not used, and sstore says what is missing.
  const noKey = { ...env, SGP_ACCOUNT_ID: 'acct-ci', SSTORE_API_URL: server.url, CLOUDFLARE_API_TOKEN: ROOT };
  assertRefused(await run(['secrets', 'list'], undefined, noKey), 4, /no API token for profile "env"\nhint: .*SSTORE_API_TOKEN or SGP_API_KEY/);
  const both = { ...ci, CLOUDFLARE_ACCOUNT_ID: 'cf-account' };
  assertRefused(await run(['secrets', 'list'], undefined, both), 2, /the environment names several providers \(CLOUDFLARE_ACCOUNT_ID, SGP_ACCOUNT_ID\)/);
  // An explicit profile wins over the environment's provider; only its own provider's account variable applies.
  assert.equal((await runCli(['profile', 'add', 'cf', '--account', 'cf-account', '--url', server.api], { env })).code, 0);
  const cf = JSON.parse((await run(['--profile', 'cf', 'profile', 'show', '--json'])).stdout);
  assert.equal(cf.provider, 'cloudflare');
  assert.equal(cf.account, 'cf-account', 'SGP_ACCOUNT_ID does not replace a Cloudflare account');
});

test('sgp: a full account answers the server\'s 400 as a quota error (exit 6), one line', async () => {
  const dir = tempDir();
  const small = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: dir, args: ['--quota', '1'] });
  const ci = { ...isolatedEnv(), SGP_API_KEY: ROOT, SGP_ACCOUNT_ID: 'full', SSTORE_API_URL: small.url };
  assert.equal((await runCli(['secrets', 'put', 'one'], { env: ci, input: 'v' })).code, 0);
  assertRefused(await runCli(['secrets', 'put', 'two'], { env: ci, input: 'v' }), 6, /^error: secrets quota exceeded/);
  assertRefused(await runCli(['secrets', 'list'], { env: { ...ci, SGP_ACCOUNT_ID: 'bad account!' } }), 2, /^error: x-selected-account-id: String should match pattern/);
});

test('sgp --local: the embedded store in-process, each profile its own account, no server and no token', async () => {
  const env = isolatedEnv();
  const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });
  assert.equal((await run(['profile', 'add', 'gp-a', '--provider', 'sgp', '--local'])).code, 0);
  assert.equal((await run(['profile', 'add', 'gp-b', '--provider', 'sgp', '--local', '--account', 'team-b'])).code, 0);
  assertRefused(await run(['profile', 'add', 'gp-c', '--provider', 'sgp', '--local', '--url', server.url]), 2, /--local and --url exclude each other/);
  const show = JSON.parse((await run(['profile', 'show', 'gp-a', '--json'])).stdout);
  assert.deepEqual([show.provider, show.local, show.url, show.account, show.credentials], ['sgp', true, null, 'gp-a', 'none']);
  assert.equal((await run(['--profile', 'gp-a', 'secrets', 'put', 'only-in-a', '--comment', 'a'], 'v')).code, 0);
  assert.equal((await run(['--profile', 'gp-b', 'secrets', 'put', 'only-in-b'], 'v')).code, 0);
  assert.equal((await run(['--profile', 'gp-a', 'secrets', 'list', '-q'])).stdout, 'only-in-a\n');
  assert.equal((await run(['--profile', 'gp-b', 'secrets', 'list', '-q'])).stdout, 'only-in-b\n');
  assert.equal((await run(['secrets', 'list', '--json'])).stdout.trim(), '[]', 'the cloudflare `local` profile sees neither');
  const got = JSON.parse((await run(['--profile', 'gp-a', 'secrets', 'get', 'only-in-a', '--json'])).stdout);
  assert.equal(got.created_by.id, 'local');
  assertRefused(await run(['--profile', 'gp-a', 'secrets', 'get', 'only-in-a', '--reveal']), 2, /write-only/);
  assertRefused(await run(['login', '--profile', 'gp-a'], 'token'), 2, /profile gp-a is the embedded store: it needs no login/);
});

test('profile add for sgp: the URL is the server root, --store does not apply, --account is required', async () => {
  const env = isolatedEnv();
  const add = (...args: string[]) => runCli(['profile', 'add', 'p', '--provider', 'sgp', ...args], { env });
  assertRefused(await add('--url', `${server.url}/v5/sgp/secrets`, '--account', 'a'), 2, /--url for sgp is the server root: sstore adds \/v5\/sgp\/secrets itself\nhint: e\.g\. --url http:\/\/127\.0\.0\.1:\d+/);
  assertRefused(await add('--url', server.api, '--account', 'a'), 2, /server root/);
  assertRefused(await add('--account', 'a', '--store', 'main'), 2, /--store does not apply to sgp/);
  assertRefused(await add(), 2, /--account is required: the SGP account id/);
  const ok = await add('--account', 'a', '--json');
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { name: 'p', provider: 'sgp', local: false, url: 'https://api.egp.scale.com', account: 'a' });
});
