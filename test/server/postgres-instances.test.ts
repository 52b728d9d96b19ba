/**
 * Issue 13: several `sstore server` instances on one PostgreSQL database. The flags and the key rule of `--database`;
 * limits and unique names that hold exactly when instances race; what one instance acknowledges, every other one
 * serves at once. Runs on the run's cluster (test/helpers/postgres.ts), each test on a fresh database.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/env.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { startServer } from '../helpers/server.ts';
import { ACCOUNT, assertFailure, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';
import { assertOneLineError, attempt, newMasterKey, startInstances, tally, teamEnv, type Outcome } from './postgres-fixture.ts';

test('--database: with --data is exit 2, without SSTORE_MASTER_KEY exit 4, a password in argv warns; /healthz', async () => {
  const database = await freshDatabase();
  const password = new URL(database).password;
  const env = teamEnv();
  const both = await runCli(['server', 'start', '--port', '0', '--data', tempDir(), '--database', database], { env });
  assert.equal(both.code, 2, both.stderr);
  assertOneLineError(both.stderr, /--data|--database/);

  const keyless: NodeJS.ProcessEnv = { ...env, SSTORE_DATABASE_URL: database };
  delete keyless.SSTORE_MASTER_KEY;
  const noKey = await runCli(['server', 'start', '--port', '0'], { env: keyless });
  assert.equal(noKey.code, 4, noKey.stderr);
  assertOneLineError(noKey.stderr, /SSTORE_MASTER_KEY/);
  assert.ok(!noKey.stderr.includes(password), 'the database password was printed');

  // By flag: it works, and says once that argv shows the password to other users.
  const byFlag = await startServer({ env, storage: ['--database', database] });
  assert.match(byFlag.stderr(), /warning: .*password.*SSTORE_DATABASE_URL/);
  const health = await fetch(`${byFlag.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { ok: true, database: 'reachable' });
  assert.ok(!byFlag.stdout().includes(password) && !byFlag.stderr().includes(password), 'the server printed the password');

  // The token commands reach the same database, by flag or by variable.
  const created = await runCli(['server', 'token', 'create', '--name', 'ci', '--permissions', 'read', '--database', database], { env });
  assert.equal(created.code, 0, created.stderr);
  const listed = await runCli(['server', 'token', 'list', '--json'], { env: { ...env, SSTORE_DATABASE_URL: database } });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual((JSON.parse(listed.stdout) as { name: string }[]).map((t) => t.name).sort(), ['ci', 'root']);
  const reply = await fetch(`${byFlag.api}${storesPath()}`, { headers: { authorization: `Bearer ${created.stdout.trim()}` } });
  assert.equal(reply.status, 200);
  assert.equal(await byFlag.stop(), 0);
});

test('an instance started with another master key refuses to start (exit 4) and changes nothing', async () => {
  const database = await freshDatabase();
  const env = teamEnv();
  const [first] = await startInstances(1, database, { env });
  const store = (await first!.call<WireStore>('POST', storesPath(), { body: { name: 'keyed' } })).json.result.id;
  const id = (await first!.call<WireSecret[]>('POST', secretsPath(store), { body: [{ name: 'K', value: 'keyed-value', scopes: ['workers'] }] })).json.result[0]!.id;

  const otherKey = { ...env, SSTORE_DATABASE_URL: database, SSTORE_MASTER_KEY: newMasterKey() };
  const wrong = await runCli(['server', 'start', '--port', '0'], { env: otherKey });
  assert.equal(wrong.code, 4, wrong.stderr);
  assertOneLineError(wrong.stderr, /key/i);
  const wrongToken = await runCli(['server', 'token', 'list'], { env: otherKey });
  assert.equal(wrongToken.code, 4, wrongToken.stderr);

  // The running instance and a new one with the right key still read the value.
  assert.equal((await first!.reveal(store, id)).value, 'keyed-value');
  const second = await startCf({ env, database });
  assert.equal((await second.reveal(store, id)).value, 'keyed-value');
});

test('4 clients × 50 creates against --quota 100 over 3 instances: exactly 100 succeed, the rest get the quota error', { timeout: 120_000 }, async (t) => {
  const database = await freshDatabase();
  const instances = await startInstances(3, database, { args: ['--quota', '100'] });
  const store = (await instances[0]!.call<WireStore>('POST', storesPath(), { body: { name: 'quota' } })).json.result.id;
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async (_, client) => {
      for (let i = 0; i < 50; i++) {
        const body = [{ name: `Q_${client}_${i}`, value: `v${client}-${i}`, scopes: ['workers'] }];
        outcomes.push(await attempt(instances, (client + i) % 3, 'POST', secretsPath(store), body));
      }
    }),
  );
  t.diagnostic(`outcomes: ${JSON.stringify(tally(outcomes))}`);
  const created = outcomes.filter((o) => o.status === 200);
  assert.equal(created.length, 100, JSON.stringify(tally(outcomes)));
  for (const o of outcomes.filter((o) => o.status !== 200)) {
    assert.equal(o.status, 400, o.text);
    assert.match(o.text, /quota_exceeded/);
  }
  // Every instance agrees on the count, and the store holds exactly what was acknowledged.
  for (const instance of instances) {
    const quota = await instance.call<{ secrets: { quota: number; usage: number } }>('GET', `/accounts/${ACCOUNT}/secrets_store/quota`);
    assert.deepEqual(quota.json.result, { secrets: { quota: 100, usage: 100 } });
  }
  const listed = await instances[2]!.call<WireSecret[]>('GET', `${secretsPath(store)}?per_page=100`);
  assert.equal(listed.json.result_info.total_count, 100);
  const acknowledged = created.map((o) => (JSON.parse(o.text) as { result: WireSecret[] }).result[0]!.name).sort();
  assert.deepEqual(listed.json.result.map((s) => s.name).sort(), acknowledged);
});

test('the same secret name created at once on every instance: one 200, the rest 409', async () => {
  const database = await freshDatabase();
  const instances = await startInstances(3, database);
  const store = (await instances[0]!.call<WireStore>('POST', storesPath(), { body: { name: 'race' } })).json.result.id;
  for (let round = 0; round < 10; round++) {
    const body = [{ name: `SAME_${round}`, value: `value-${round}`, scopes: ['workers'] }];
    const outcomes = await Promise.all(instances.map((_, i) => attempt(instances, i, 'POST', secretsPath(store), body)));
    const statuses = outcomes.map((o) => o.status).sort();
    assert.deepEqual(statuses, [200, 409, 409], `round ${round}: ${outcomes.map((o) => `${o.status} ${o.text.slice(0, 200)}`).join(' | ')}`);
    for (const o of outcomes.filter((o) => o.status === 409)) assert.match(o.text, /secret_name_already_exists/);
  }
  // A store name too: store names are unique per account.
  const stores = await Promise.all(instances.map((_, i) => attempt(instances, i, 'POST', storesPath(), { name: 'same_store' })));
  assert.equal(stores.filter((o) => o.status === 200).length, 1, stores.map((o) => `${o.status} ${o.text.slice(0, 200)}`).join(' | '));
  for (const o of stores.filter((o) => o.status !== 200)) assert.equal(o.status, 409, o.text);
});

test('read-your-writes across instances: what A acknowledged, B and C serve on their very next request', async () => {
  const database = await freshDatabase();
  const [a, b, c] = await startInstances(3, database);
  const others = [b!, c!];
  const store = (await a!.call<WireStore>('POST', storesPath(), { body: { name: 'coherent' } })).json.result.id;
  for (const other of others) assert.equal((await other.call('GET', `${storesPath()}/${store}`)).status, 200);

  const created = (await a!.call<WireSecret[]>('POST', secretsPath(store), { body: [{ name: 'RYW', value: 'first', scopes: ['workers'], comment: 'one' }] })).json.result[0]!;
  for (const other of others) {
    // Twice: the second answer may come from a cache, and must still be the one A wrote.
    for (let i = 0; i < 2; i++) assert.deepEqual((await other.call<WireSecret>('GET', `${secretsPath(store)}/${created.id}`)).json.result, created);
  }

  const patched = await a!.call<WireSecret>('PATCH', `${secretsPath(store)}/${created.id}`, { body: { comment: 'two', value: 'second' } });
  assert.equal(patched.status, 200, patched.text);
  for (const other of others) {
    assert.equal((await other.call<WireSecret>('GET', `${secretsPath(store)}/${created.id}`)).json.result.comment, 'two');
    assert.equal((await other.call<WireSecret[]>('GET', secretsPath(store))).json.result[0]!.comment, 'two');
    assert.equal((await other.reveal(store, created.id)).value, 'second');
  }

  assert.equal((await a!.call('DELETE', `${secretsPath(store)}/${created.id}`)).status, 202);
  for (const other of others) {
    assert.equal((await other.call('GET', `${secretsPath(store)}/${created.id}`)).status, 404);
    assert.equal((await other.call<WireSecret[]>('GET', secretsPath(store))).json.result.length, 0);
  }

  assert.equal((await a!.call('DELETE', `${storesPath()}/${store}`)).status, 200);
  for (const other of others) assert.equal((await other.call('GET', `${storesPath()}/${store}`)).status, 404);

  // A token: accepted (and so cached) by B and C, revoked through the CLI, refused by both on their next request.
  const token = await a!.createToken('short_lived', 'read');
  for (const other of others) for (let i = 0; i < 2; i++) assert.equal((await other.call('GET', storesPath(), { token })).status, 200);
  const revoked = await runCli(['server', 'token', 'revoke', 'short_lived'], { env: { ...a!.env, SSTORE_DATABASE_URL: database } });
  assert.equal(revoked.code, 0, revoked.stderr);
  for (const other of [a!, ...others]) assertFailure(await other.call('GET', storesPath(), { token }), 401, 10000);
});

test('a token revoked through one process is refused by every instance within 1 s (measured)', async (t) => {
  const database = await freshDatabase();
  const instances = await startInstances(3, database);
  const token = await instances[0]!.createToken('measured', 'read');
  // Each instance is asked back to back with the token while the revoke runs: when did each first refuse it?
  let polling = true;
  const firstRefusal: (number | undefined)[] = instances.map(() => undefined);
  const pollers = instances.map(async (_, i) => {
    while (polling) {
      const o = await attempt(instances, i, 'GET', storesPath(), undefined, token);
      if (o.status === 401) {
        firstRefusal[i] = o.sent;
        return;
      }
      assert.equal(o.status, 200, o.text);
    }
  });
  const started = performance.now();
  const revoked = await runCli(['server', 'token', 'revoke', 'measured'], { env: { ...instances[0]!.env, SSTORE_DATABASE_URL: database } });
  const acknowledged = performance.now();
  assert.equal(revoked.code, 0, revoked.stderr);
  // Read-your-writes: a request sent after the revoke was acknowledged is refused everywhere, whatever the timing.
  for (let i = 0; i < instances.length; i++) assertFailure(await instances[i]!.call('GET', storesPath(), { token }), 401, 10000);
  polling = false;
  await Promise.all(pollers);
  const lags = firstRefusal.map((at) => (at === undefined ? acknowledged : at) - acknowledged);
  const figure = `token revoke took ${Math.round(acknowledged - started)} ms; each instance's first refusal, relative to the revoke's exit: ${lags.map((ms) => `${ms.toFixed(1)} ms`).join(', ')} (negative: refused before the CLI had exited)`;
  // The figure for the issue's bound (1 s; goal 100 ms); what is asserted is read-your-writes above, not a time.
  t.diagnostic(figure);
});
