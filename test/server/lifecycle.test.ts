import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';
import { ACCOUNT, ROOT_TOKEN, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { Envelope, WireSecret, WireStore } from './cf-wire.ts';

test('the first start prints a root token once; later starts do not, and the token keeps working', async () => {
  const env = isolatedEnv();
  const dataDir = tempDir();
  const first = await startServer({ env, dataDir });
  assert.match(first.stdout(), /^sstore server listening on http:\/\/127\.0\.0\.1:\d+$/m);
  const token = /root token \(shown once, stored hashed\): (sst_\S+)/.exec(first.stdout())?.[1];
  assert.ok(token, first.stdout());
  const ok = await fetch(`${first.api}/accounts/${ACCOUNT}/secrets_store/stores`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.equal(await first.stop(), 0);

  const second = await startServer({ env, dataDir });
  assert.doesNotMatch(second.stdout(), /root token/);
  assert.doesNotMatch(second.stdout() + second.stderr(), /sst_/);
  const still = await fetch(`${second.api}/accounts/${ACCOUNT}/secrets_store/stores`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(still.status, 200);
  assert.equal(await second.stop('SIGINT'), 0);
});

test('SSTORE_ROOT_TOKEN and --root-token set the admin token; argv prints a warning', async () => {
  const env = isolatedEnv();
  const dataDir = tempDir();
  const viaArgv = await startServer({ env, dataDir, args: ['--root-token', 'argv-root-token-1'] });
  assert.match(viaArgv.stderr(), /--root-token is visible to other users/);
  assert.doesNotMatch(viaArgv.stdout(), /root token/);
  const res = await fetch(`${viaArgv.api}/accounts/${ACCOUNT}/secrets_store/quota`, { headers: { authorization: 'Bearer argv-root-token-1' } });
  assert.equal(res.status, 200);
  assert.equal(await viaArgv.stop(), 0);
  const viaEnv = await startServer({ env: { ...env, SSTORE_ROOT_TOKEN: 'env-root-token-2' }, dataDir });
  const replaced = await fetch(`${viaEnv.api}/accounts/${ACCOUNT}/secrets_store/quota`, { headers: { authorization: 'Bearer argv-root-token-1' } });
  assert.equal(replaced.status, 401);
  const current = await fetch(`${viaEnv.api}/accounts/${ACCOUNT}/secrets_store/quota`, { headers: { authorization: 'Bearer env-root-token-2' } });
  assert.equal(current.status, 200);
  assert.equal(await viaEnv.stop(), 0);
});

test('SIGTERM lets an in-flight request finish, closes the store and exits 0', async () => {
  const cf = await startCf();
  const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
  const url = new URL(`${cf.server.api}${secretsPath(store)}`);
  const body = JSON.stringify([{ name: 'SLOW', value: 'slow-value', scopes: ['workers'] }]);
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${ROOT_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    // Half the body now, the rest after the server was told to stop.
    req.write(body.slice(0, 10));
    void sleep(1000).then(async () => {
      cf.server.child.kill('SIGTERM');
      await sleep(500);
      req.end(body.slice(10));
    });
  });
  const exit = new Promise<number | null>((resolve) => cf.server.child.on('exit', (code) => resolve(code)));
  const reply = await answer;
  assert.equal(reply.status, 200, reply.text);
  assert.equal((JSON.parse(reply.text) as Envelope<WireSecret[]>).result[0]!.name, 'SLOW');
  assert.equal(await exit, 0);
  assert.match(cf.server.stderr(), /SIGTERM: finishing in-flight requests/);

  const reopened = await startCf({ env: cf.env, dataDir: cf.dataDir });
  const list = await reopened.call<WireSecret[]>('GET', secretsPath(store));
  assert.deepEqual(list.json.result.map((s) => s.name), ['SLOW']);
  assert.equal(await reopened.server.stop('SIGINT'), 0);
});

test('the access log names method, path and status, never a token, a value, a query or a body', async () => {
  const cf = await startCf();
  const token = await cf.createToken('logged', 'read,write,reveal');
  const store = (await cf.call<WireStore>('POST', storesPath(), { token, body: { name: 'logged_store' } })).json.result.id;
  const value = 'access-log-secret-value-5e1d';
  const made = await cf.call<WireSecret[]>('POST', secretsPath(store), { token, body: [{ name: 'LOGGED', value, scopes: ['workers'], comment: 'comment-text-9a' }] });
  await cf.reveal(store, made.json.result[0]!.id, token);
  await cf.call('GET', `${secretsPath(store)}?search=needle-in-query`, { token: null, headers: { 'x-auth-email': 'me@example.com', 'x-auth-key': token } });
  await cf.call('GET', storesPath(), { token: 'sst_wrong_token_in_log' });
  assert.equal(await cf.server.stop(), 0);
  const log = cf.server.stderr();
  assert.match(log, new RegExp(`POST /client/v4/accounts/${ACCOUNT}/secrets_store/stores/${store}/secrets 200`));
  assert.match(log, /GET \/client\/v4\/accounts\/\S+\/secrets_store\/stores 401/);
  for (const secret of [token, ROOT_TOKEN, value, 'comment-text-9a', 'needle-in-query', 'me@example.com', 'sst_wrong_token_in_log']) {
    assert.ok(!log.includes(secret), `the log contains ${secret}`);
  }
  assert.ok(!cf.server.stdout().includes(value));
});

test('a non-loopback host prints a warning and a URL that reaches it; loopback does not warn', async () => {
  const env = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT_TOKEN });
  const open = await startServer({ env, dataDir: tempDir(), args: ['--host', '0.0.0.0'] });
  assert.match(open.stderr(), /warning: listening on 0\.0\.0\.0, reachable from other machines/);
  assert.match(open.stdout(), /sstore server listening on http:\/\/127\.0\.0\.1:\d+$/m, 'not 0.0.0.0, which is no address to connect to');
  const quota = await fetch(`${open.api}/accounts/${ACCOUNT}/secrets_store/quota`, { headers: { authorization: `Bearer ${ROOT_TOKEN}` } });
  assert.equal(quota.status, 200);
  assert.equal(await open.stop(), 0);
  const local = await startServer({ env, dataDir: tempDir() });
  assert.doesNotMatch(local.stderr(), /warning/);
  assert.equal(await local.stop(), 0);
});
