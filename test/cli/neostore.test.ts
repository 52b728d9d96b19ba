import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { assertRefused, providerUser, requestCount } from '../helpers/provider-user.ts';
import { startServer } from '../helpers/server.ts';
import { createToken } from '../helpers/tokens.ts';

/** The Neostore provider of the CLI against a real `sstore server start`, over real HTTP. */

const ROOT = 'root-token-for-neostore-cli';
const TENANT = 'tenant-cli';
const dataDir = tempDir();
const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
const reader = await createToken(serverEnv, dataDir, { name: 'neo-reader', permissions: 'Secret.Read' });
const otherTenant = await createToken(serverEnv, dataDir, { name: 'neo-other', permissions: 'read,write', account: 'another-tenant' });
const server = await startServer({ env: serverEnv, dataDir });

const neoUser = () => providerUser(server, { profile: 'neo', provider: 'neostore', account: TENANT, token: ROOT });

test('neostore: put, get --reveal, list, patch, dup, rm over real HTTP; values come back byte for byte', async () => {
  const { run } = await neoUser();
  const created = await run(['secrets', 'put', 'Db-Password'], 'hunter2\n');
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, new RegExp(`created secret Db-Password in store ${TENANT}`));
  assert.doesNotMatch(created.stderr, /warning/, 'a new key has no window to lose');
  const updated = await run(['secrets', 'put', 'Db-Password'], 'hunter3');
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(updated.stderr, /warning: neostore replaces the whole secret/);
  assert.match(updated.stderr, /updated secret Db-Password/);
  assert.equal((await run(['secrets', 'get', 'Db-Password', '--reveal'])).stdout, 'hunter3', 'exact bytes when piped');
  assert.deepEqual(JSON.parse((await run(['secrets', 'get', 'Db-Password', '--reveal', '--json'])).stdout), { key: 'Db-Password', value: 'hunter3' });
  assertRefused(await run(['secrets', 'get', 'db-password', '--reveal']), 3, /no secret named "db-password" .*outside its validity window/);

  const dir = tempDir();
  const file = join(dir, 'cert.pem');
  const pem = '-----BEGIN-----\n"quoted" \\ ünï ✓\n-----END-----\n';
  writeFileSync(file, pem);
  assert.equal((await run(['secrets', 'put', 'tls-cert', '--from-file', file])).code, 0);
  assert.equal((await run(['secrets', 'get', 'tls-cert', '--reveal'])).stdout, pem);
  assert.equal((await run(['secrets', 'put', 'json-like'], '"123"')).code, 0);
  assert.equal((await run(['secrets', 'get', 'json-like', '--reveal'])).stdout, '"123"', 'a value that looks like JSON is not decoded');

  const get = await run(['secrets', 'get', 'tls-cert']);
  assert.equal(get.stdout, `name   tls-cert\nstore  ${TENANT}\n`, 'a key and its tenant: Neostore has no metadata');
  assert.deepEqual(JSON.parse((await run(['secrets', 'get', 'tls-cert', '--json'])).stdout), { key: 'tls-cert' });
  assert.equal((await run(['secrets', 'list'])).stdout, 'Db-Password\njson-like\ntls-cert\n', 'keys only, ordinal order');
  assert.deepEqual(JSON.parse((await run(['secrets', 'list', '--json'])).stdout), [{ key: 'Db-Password' }, { key: 'json-like' }, { key: 'tls-cert' }]);
  assert.equal((await run(['secrets', 'list', '-q', '--direction', 'desc'])).stdout, 'tls-cert\njson-like\nDb-Password\n');
  assert.equal((await run(['secrets', 'list', '-q', '--search', 'PASS'])).stdout, 'Db-Password\n');

  const patched = await run(['secrets', 'patch', 'Db-Password', '--json'], 'hunter4');
  assert.equal(patched.code, 0, patched.stderr);
  assert.match(patched.stderr, /warning: neostore replaces the whole secret: without --not-before\/--expires-on it is now valid at all times/);
  assert.deepEqual(JSON.parse(patched.stdout), { key: 'Db-Password' });
  assert.equal((await run(['secrets', 'get', 'Db-Password', '--reveal'])).stdout, 'hunter4');

  const dup = await run(['secrets', 'dup', 'Db-Password', 'Db-Password-Old']);
  assert.equal(dup.code, 0, dup.stderr);
  assert.match(dup.stderr, /warning: the validity window of Db-Password cannot be read, so it was not copied/);
  assert.equal((await run(['secrets', 'get', 'Db-Password-Old', '--reveal'])).stdout, 'hunter4');
  assertRefused(await run(['secrets', 'dup', 'tls-cert', 'Db-Password-Old']), 5, /^error: the key Db-Password-Old already exists in tenant tenant-cli; nothing was copied\nhint: pass --force/);
  assert.equal((await run(['secrets', 'get', 'Db-Password-Old', '--reveal'])).stdout, 'hunter4', 'refused: unchanged');
  assert.equal((await run(['secrets', 'dup', 'tls-cert', 'Db-Password-Old', '--force'])).code, 0);
  assert.equal((await run(['secrets', 'get', 'Db-Password-Old', '--reveal'])).stdout, pem);
  assertRefused(await run(['secrets', 'dup', 'missing-key', 'copy']), 3, /no secret named "missing-key"/);

  const rm = await run(['secrets', 'rm', 'Db-Password-Old', 'json-like', '--yes']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(rm.stderr, /deleted 2 secrets Db-Password-Old, json-like/);
  assertRefused(await run(['secrets', 'rm', 'tls-cert', 'json-like', '--yes']), 3, /no secret named "json-like"/);
  assert.equal((await run(['secrets', 'list', '-q'])).stdout, 'Db-Password\ntls-cert\n', 'one unknown key: nothing deleted');
});

test('neostore: what it cannot do is one line and exit 2, without a request', async () => {
  const { run } = await neoUser();
  assert.equal((await run(['secrets', 'put', 'present'], 'v')).code, 0);
  const before = requestCount(server);
  assertRefused(await run(['secrets', 'put', 'k', '--comment', 'note'], 'v'), 2, /^error: --comment is not supported by the neostore provider\nhint: neostore stores a key and a value, nothing more\n$/);
  assertRefused(await run(['secrets', 'put', 'k', '--scopes', 'workers'], 'v'), 2, /^error: --scopes is not supported by the neostore provider$/m);
  assertRefused(await run(['secrets', 'patch', 'present', '--comment', 'note']), 2, /--comment is not supported by the neostore provider/);
  assertRefused(await run(['secrets', 'dup', 'present', 'copy', '--scopes', 'ai_gateway']), 2, /--scopes is not supported/);
  assertRefused(await run(['secrets', 'list', '--order', 'modified']), 2, /^error: ordering by modified is not supported by the neostore provider\nhint: order by name\n$/);
  assertRefused(await run(['secrets', 'list', '--scopes', 'workers']), 2, /--scopes is not supported/);
  assertRefused(await run(['stores', 'create', 'x']), 2, /^error: stores create is not supported by the neostore provider$/m);
  assertRefused(await run(['stores', 'delete', TENANT, '--yes']), 2, /^error: stores delete is not supported by the neostore provider$/m);
  assertRefused(await run(['secrets', 'patch', 'present']), 2, /^error: nothing to change: give a value \(stdin, --from-env, --from-file\) or --not-before\/--expires-on$/m);
  for (const key of ['under_score', 'dot.ted', 'spa ce', 'ünï']) assertRefused(await run(['secrets', 'put', key], 'v'), 2, /^error: invalid Neostore key/);
  assertRefused(await run(['secrets', 'get', 'bad_key', '--reveal']), 2, /invalid Neostore key "bad_key"/);
  assertRefused(await run(['secrets', 'rm', 'present', 'bad.key', '--yes']), 2, /invalid Neostore key "bad.key"/);
  assertRefused(await run(['secrets', 'dup', 'present', 'bad_copy']), 2, /invalid Neostore key "bad_copy"/);
  assert.equal(requestCount(server), before, 'the access log did not move');

  assert.deepEqual(JSON.parse((await run(['stores', 'list', '--json'])).stdout), [{ id: TENANT, name: TENANT, implicit: 'tenant' }]);
  assert.match((await run(['quota'])).stdout, /^secrets +\d+ used \(limit unknown: the neostore API reports none\)$/m);
  const usage = JSON.parse((await run(['quota', '--json'])).stdout) as { secrets: { usage: number; quota: null } };
  assert.equal(usage.secrets.quota, null);
  assert.equal(usage.secrets.usage, (await run(['secrets', 'list', '-q'])).stdout.split('\n').filter(Boolean).length, 'usage = the number of keys');
});

test('neostore: a Secret.Read key reads values but cannot write (exit 4); another tenant and a bad key are refused (exit 4)', async () => {
  const { run } = await neoUser();
  assert.equal((await run(['secrets', 'put', 'readable'], 'r-value')).code, 0);
  const asReader = { SSTORE_API_TOKEN: reader };
  assert.equal((await run(['secrets', 'get', 'readable', '--reveal'], undefined, asReader)).stdout, 'r-value', 'reading a value needs Secret.Read only');
  assertRefused(await run(['secrets', 'put', 'new-key'], 'v', asReader), 4, /^error: This API key lacks the Secret.Write scope.\nhint: check the API key/);
  assertRefused(await run(['secrets', 'put', 'readable'], 'changed', asReader), 4, /lacks the Secret.Write scope/);
  assertRefused(await run(['secrets', 'rm', 'readable', '--yes'], undefined, asReader), 4, /lacks the Secret.Write scope/);
  assertRefused(await run(['secrets', 'list'], undefined, { SSTORE_API_TOKEN: otherTenant }), 4, /not allowed to access tenant tenant-cli/);
  assertRefused(await run(['secrets', 'list'], undefined, { SSTORE_API_TOKEN: 'sst_wrong' }), 4, /^error: The API key or bearer token is not valid\.\nhint: /);
  assert.equal((await run(['secrets', 'get', 'readable', '--reveal'])).stdout, 'r-value', 'unchanged');
  assert.equal((await run(['secrets', 'list', '-q'])).stdout.includes('new-key'), false);
});

test('neostore in CI: NEOSTORE_API_KEY + NEOSTORE_TENANT_ID + SSTORE_API_URL, no config file; a ProblemDetails quota error is exit 6', async () => {
  const small = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir(), args: ['--quota', '1'] });
  const env = isolatedEnv();
  const ci = { ...env, NEOSTORE_API_KEY: ROOT, NEOSTORE_TENANT_ID: 'ci-tenant', SSTORE_API_URL: small.url };
  const run = (args: string[], input?: string, e: NodeJS.ProcessEnv = ci) => runCli(args, { env: e, ...(input !== undefined && { input }) });
  assert.equal((await run(['secrets', 'put', 'from-ci'], 'v')).code, 0);
  assert.equal((await run(['secrets', 'get', 'from-ci', '--reveal'])).stdout, 'v');
  const show = JSON.parse((await run(['profile', 'show', '--json'])).stdout);
  assert.deepEqual([show.provider, show.selected_by, show.credentials, show.account], ['neostore', 'environment', 'NEOSTORE_API_KEY', 'ci-tenant']);
  assert.equal(existsSync(join(env.SSTORE_CONFIG_DIR!, 'config.json')), false);
  assertRefused(await run(['secrets', 'put', 'second'], 'v'), 6, /^error: secrets quota exceeded/);
  assert.equal((await run(['secrets', 'put', 'from-ci'], 'v2')).code, 0, 'replacing a key adds nothing');
  // SGP's key is not Neostore's: never sent to another provider.
  const wrongVar = { ...env, NEOSTORE_TENANT_ID: 'ci-tenant', SSTORE_API_URL: small.url, SGP_API_KEY: ROOT };
  assertRefused(await run(['secrets', 'list'], undefined, wrongVar), 4, /no API token for profile "env"\nhint: .*SSTORE_API_TOKEN or NEOSTORE_API_KEY/);
  assertRefused(await run(['secrets', 'list'], undefined, { ...ci, NEOSTORE_TENANT_ID: 'bad tenant!' }), 2, /^error: tenantId: The tenant id may contain only/);
});

test('neostore --local: in-process, its own tenant, values readable, isolated from other profiles', async () => {
  const env = isolatedEnv();
  const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });
  assert.equal((await run(['profile', 'add', 'dev-neo', '--provider', 'neostore', '--local'])).code, 0);
  assert.equal((await run(['profile', 'add', 'dev-neo2', '--provider', 'neostore', '--local'])).code, 0);
  assert.equal((await run(['profile', 'use', 'dev-neo'])).code, 0);
  assert.equal((await run(['secrets', 'put', 'api-key', '--expires-on', '+1d'], 'local-value')).code, 0);
  assert.equal((await run(['secrets', 'get', 'api-key', '--reveal'])).stdout, 'local-value');
  assert.equal((await run(['secrets', 'list', '-q'])).stdout, 'api-key\n');
  assert.equal((await run(['--profile', 'dev-neo2', 'secrets', 'list', '--json'])).stdout.trim(), '[]');
  assert.equal((await run(['--profile', 'local', 'secrets', 'list', '--json'])).stdout.trim(), '[]');
  const show = JSON.parse((await run(['profile', 'show', '--json'])).stdout);
  assert.deepEqual([show.name, show.provider, show.local, show.account, show.selected_by], ['dev-neo', 'neostore', true, 'dev-neo', 'active']);
  // Environment overrides apply to remote profiles only: an in-process profile stays in-process.
  const overridden = await runCli(['secrets', 'get', 'api-key', '--reveal'], { env: { ...env, SSTORE_API_URL: 'http://127.0.0.1:9', NEOSTORE_TENANT_ID: 'x' } });
  assert.equal(overridden.stdout, 'local-value');
});

test('profile add for neostore: the URL is the server root; times for the window are checked before any request', async () => {
  const env = isolatedEnv();
  const add = (...args: string[]) => runCli(['profile', 'add', 'n', '--provider', 'neostore', ...args], { env });
  assertRefused(await add('--url', `${server.url}/api/t/secrets`, '--account', 't'), 2, /--url for neostore is the server root: sstore adds \/api\/\{tenant\}\/secrets itself/);
  assertRefused(await add(), 2, /--account is required: the Neostore tenant id/);
  const ok = await add('--account', 't', '--json');
  assert.deepEqual(JSON.parse(ok.stdout), { name: 'n', provider: 'neostore', local: false, url: 'https://app.neostore.cloud', account: 't' });
  const { run } = await neoUser();
  const before = requestCount(server);
  assertRefused(await run(['secrets', 'put', 'k', '--expires-on', 'tomorrow'], 'v'), 2, /--expires-on.*expected an ISO 8601 time/);
  assertRefused(await run(['secrets', 'put', 'k', '--not-before', '2026-02-30'], 'v'), 2, /that date or time does not exist/);
  assertRefused(await run(['secrets', 'put', 'k', '--not-before', '2030-01-02', '--expires-on', '2030-01-01T12:00:00+02:00'], 'v'), 2, /--expires-on must be later than --not-before/);
  assert.equal(requestCount(server), before);
});
