import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storageFor } from '../helpers/backend.ts';
import { runCli } from '../helpers/cli.ts';
import { assertFailure, startCf, storesPath } from './cf-fixture.ts';

const cf = await startCf();
/** The CLI's way to this server's storage: its data dir, or its database. */
const storage = await storageFor(cf.dataDir, cf.env);

test('token create, list and revoke through the CLI take effect on the running server at once', async () => {
  const token = await cf.createToken('ci', 'read,write');
  const created = await cf.call('POST', storesPath(), { token, body: { name: 'by_ci' } });
  assert.equal(created.status, 200, created.text);

  const listed = await runCli(['server', 'token', 'list', ...storage.args, '--json'], { env: storage.env });
  assert.equal(listed.code, 0, listed.stderr);
  const tokens = JSON.parse(listed.stdout) as { name: string; permissions: string[]; id: string }[];
  assert.deepEqual(tokens.map((t) => t.name).sort(), ['ci', 'root']);
  assert.deepEqual(tokens.find((t) => t.name === 'ci')!.permissions, ['read', 'write']);
  assert.ok(!listed.stdout.includes(token), 'token list printed a token value');
  const table = await runCli(['server', 'token', 'list', ...storage.args], { env: storage.env });
  assert.ok(!table.stdout.includes(token));

  const revoked = await runCli(['server', 'token', 'revoke', 'ci', ...storage.args], { env: storage.env });
  assert.equal(revoked.code, 0, revoked.stderr);
  assertFailure(await cf.call('GET', storesPath(), { token }), 401, 10000);

  const again = await runCli(['server', 'token', 'revoke', 'ci', ...storage.args], { env: storage.env });
  assert.equal(again.code, 3);
  assert.match(again.stderr, /^error: no token named "ci"/);
});

test('a revoked token is refused by id too; a second token of the same name is a conflict', async () => {
  const token = await cf.createToken('temp', 'read');
  assert.equal((await cf.call('GET', storesPath(), { token })).status, 200);
  const dup = await runCli(['server', 'token', 'create', '--name', 'temp', '--permissions', 'read', ...storage.args], { env: storage.env });
  assert.equal(dup.code, 5);
  assert.match(dup.stderr, /already exists/);
  const listed = JSON.parse((await runCli(['server', 'token', 'list', ...storage.args, '--json'], { env: storage.env })).stdout) as { name: string; id: string }[];
  const id = listed.find((t) => t.name === 'temp')!.id;
  assert.equal((await runCli(['server', 'token', 'revoke', id, ...storage.args], { env: storage.env })).code, 0);
  assertFailure(await cf.call('GET', storesPath(), { token }), 401, 10000);
});

test('bad permissions are a usage error (exit 2) with one line', async () => {
  const bad = await runCli(['server', 'token', 'create', '--name', 'x', '--permissions', 'read,root', ...storage.args], { env: storage.env });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /unknown permission "root"/);
});
