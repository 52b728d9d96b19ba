/**
 * Secret history through a local server, with the real CLI over HTTP: `secrets history`, `get --reveal --version`
 * (the `reveal` permission) and `rollback`, with `server start --keep-versions`. Runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { ACCOUNT, type CfServer, startCf, storesPath } from './cf-fixture.ts';

const VALUES = ['one', 'two', 'three'].map((v) => `${v}-${randomBytes(6).toString('hex')}`);
const [V1, V2, V3] = VALUES as [string, string, string];

function as(cf: CfServer, token: string) {
  const env = { ...cf.env, SSTORE_API_URL: cf.server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, SSTORE_API_TOKEN: token, SSTORE_STORE: 'main' };
  return (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });
}

interface Version {
  version: number;
  actor: string | null;
  current: boolean;
}

test('history, get --version and rollback through a server that keeps one earlier value (--keep-versions 1)', async () => {
  const cf = await startCf({ args: ['--keep-versions', '1'] });
  assert.equal((await cf.call('POST', storesPath(), { body: { name: 'main' } })).status, 200);
  const writer = as(cf, await cf.createToken('writer', 'read,write'));
  const reader = as(cf, await cf.createToken('reader', 'read,reveal'));
  for (const [args, value] of [[['secrets', 'put', 'DB'], V1], [['secrets', 'patch', 'DB'], V2], [['secrets', 'patch', 'DB'], V3]] as const) {
    const result = await writer([...args], value);
    assert.equal(result.code, 0, result.stderr);
  }
  const history = async () => {
    const result = await reader(['secrets', 'history', 'DB', '--json']);
    assert.equal(result.code, 0, result.stderr);
    for (const value of VALUES) assert.ok(!result.stdout.includes(value));
    return (JSON.parse(result.stdout) as Version[]).map((v) => [v.version, v.actor, v.current]);
  };
  assert.deepEqual(await history(), [[3, 'writer', true], [2, 'writer', false]]);

  const denied = await writer(['secrets', 'get', 'DB', '--reveal', '--version', '2']);
  assert.equal(denied.code, 4);
  assert.match(denied.stderr, /lacks the "reveal" permission/);
  const old = await reader(['secrets', 'get', 'DB', '--reveal', '--version', '2']);
  assert.equal(old.code, 0, old.stderr);
  assert.equal(old.stdout, V2);
  const dropped = await reader(['secrets', 'get', 'DB', '--reveal', '--version', '1']);
  assert.equal(dropped.code, 3, 'version 1 is beyond --keep-versions 1');

  assert.equal((await reader(['secrets', 'rollback', 'DB', '--to', '2'])).code, 4, 'rollback needs write');
  const rolled = await writer(['secrets', 'rollback', 'DB', '--to', '2', '--json']);
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.equal((JSON.parse(rolled.stdout) as { name: string }).name, 'DB');
  assert.equal((await reader(['secrets', 'get', 'DB', '--reveal'])).stdout, V2);
  assert.deepEqual(await history(), [[4, 'writer', true], [3, 'writer', false]]);
  for (const value of VALUES) assert.ok(!cf.server.stderr().includes(value) && !cf.server.stdout().includes(value));
});

test('--keep-versions 0 keeps no earlier value: the history is the current one alone', async () => {
  const cf = await startCf({ args: ['--keep-versions', '0'] });
  assert.equal((await cf.call('POST', storesPath(), { body: { name: 'main' } })).status, 200);
  const admin = as(cf, await cf.createToken('ops', 'admin'));
  assert.equal((await admin(['secrets', 'put', 'DB'], V1)).code, 0);
  assert.equal((await admin(['secrets', 'put', 'DB'], V2)).code, 0);
  const result = await admin(['secrets', 'history', 'DB', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual((JSON.parse(result.stdout) as Version[]).map((v) => [v.version, v.current]), [[2, true]]);
  assert.equal((await admin(['secrets', 'rollback', 'DB', '--to', '1'])).code, 3);
});
