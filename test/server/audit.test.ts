/**
 * The audit trail seen from outside: a scripted sequence over real HTTP with two named tokens, then
 * `sstore server audit` (offline, on the same storage) shows exactly those actions, actors, names and ids in order;
 * its filters; `verify` after a row is altered or removed in the database; prune; and `sstore audit` through the
 * server's extension route with and without the `audit` permission. Runs on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { BACKEND, databaseFor, storageFor } from '../helpers/backend.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { adminSql } from '../helpers/postgres.ts';
import { ACCOUNT, type CfServer, ROOT_TOKEN, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

interface Entry {
  id: number;
  time: string;
  actor: string;
  action: string;
  name: string | null;
  store_id: string | null;
  secret_id: string | null;
  fields: string[] | null;
  detail: Record<string, string | number> | null;
  prev_hash: string;
  hash: string;
}

const VALUES = ['first-value', 'second-value', 'third-value'].map((v) => `${v}-${randomBytes(6).toString('hex')}`);
const [V1, V2, V3] = VALUES as [string, string, string];

/** Every output of every command a test ran, to prove afterwards that no value was ever printed. */
const outputs: string[] = [];

/** `sstore <args>` against the server's storage, offline (--data, or its database in SSTORE_DATABASE_URL). */
async function offline(cf: CfServer, args: string[], input?: string): Promise<CliResult> {
  const storage = await storageFor(cf.dataDir, cf.env);
  const result = await runCli([...args, ...storage.args], { env: storage.env, ...(input !== undefined && { input }) });
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function trail(cf: CfServer, filters: string[] = []): Promise<Entry[]> {
  const result = await offline(cf, ['server', 'audit', '--json', ...filters]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Entry[];
}

/** SQL on the server's own database: the SQLite file, or its PostgreSQL database through psql. */
async function tamper(cf: CfServer, sql: { sqlite: string; postgres: string }): Promise<void> {
  if (BACKEND === 'postgres') {
    await adminSql({ url: await databaseFor(cf.dataDir), dir: '' }, sql.postgres);
    return;
  }
  const db = new DatabaseSync(join(cf.dataDir, 'sstore.db'));
  try {
    db.exec(sql.sqlite);
  } finally {
    db.close();
  }
}

const table = BACKEND === 'postgres' ? 'sstore_audit' : 'audit';

interface Scripted {
  cf: CfServer;
  store: string;
  db: string;
  api: string;
  copy: string;
}

/** The sequence the issue names, over HTTP with two named tokens; token create and revoke through the CLI. */
async function scripted(): Promise<Scripted> {
  const cf = await startCf();
  const alice = await cf.createToken('alice', 'read,write,reveal');
  const bob = await cf.createToken('bob', 'read,write,reveal');
  const store = (await cf.call<WireStore>('POST', storesPath(), { token: alice, body: { name: 'main' } })).json.result.id;
  const created = await cf.call<WireSecret[]>('POST', secretsPath(store), {
    token: alice,
    body: [
      { name: 'DB', value: V1, scopes: ['workers'] },
      { name: 'API', value: V2, scopes: ['workers'] },
    ],
  });
  assert.equal(created.status, 200, created.text);
  const [db, api] = created.json.result.map((s) => s.id) as [string, string];
  const patched = await cf.call('PATCH', `${secretsPath(store)}/${db}`, { token: bob, body: { value: V3, comment: 'rotated' } });
  assert.equal(patched.status, 200, patched.text);
  const copy = (await cf.call<WireSecret>('POST', `${secretsPath(store)}/${db}/duplicate`, { token: bob, body: { name: 'DB_COPY', scopes: ['workers'] } })).json.result.id;
  assert.equal((await cf.reveal(store, db, alice)).value, V3);
  assert.equal((await cf.call('DELETE', `${secretsPath(store)}/${api}`, { token: bob })).status, 202);
  const revoked = await offline(cf, ['server', 'token', 'revoke', 'bob']);
  assert.equal(revoked.code, 0, revoked.stderr);
  return { cf, store, db, api, copy };
}

test('server audit --json shows exactly the scripted actions, actors, names and ids, oldest first; filters select from them', async () => {
  const { cf, store, db, api, copy } = await scripted();
  const entries = await trail(cf);
  const shape = entries.map((e) => [e.action, e.actor, e.name, e.store_id, e.secret_id]);
  assert.deepEqual(shape, [
    ['token.create', 'local', 'root', null, null], // SSTORE_ROOT_TOKEN, on the server's first start
    ['token.create', 'local', 'alice', null, null],
    ['token.create', 'local', 'bob', null, null],
    ['store.create', 'alice', 'main', store, null],
    ['secret.create', 'alice', 'DB', store, db],
    ['secret.create', 'alice', 'API', store, api],
    ['secret.update', 'bob', 'DB', store, db],
    ['secret.duplicate', 'bob', 'DB_COPY', store, copy],
    ['secret.reveal', 'alice', 'DB', store, db],
    ['secret.delete', 'bob', 'API', store, api],
    ['token.revoke', 'local', 'bob', null, null],
  ]);
  assert.deepEqual(entries.map((e) => e.id), entries.map((_, i) => i + 1));
  assert.deepEqual([...(entries[6]!.fields ?? [])].sort(), ['comment', 'value']);
  for (let i = 1; i < entries.length; i++) assert.equal(entries[i]!.prev_hash, entries[i - 1]!.hash);
  const times = entries.map((e) => e.time);
  assert.deepEqual([...times].sort(), times);

  const actions = async (filters: string[]) => (await trail(cf, filters)).map((e) => `${e.action} ${e.name}`);
  assert.deepEqual(await actions(['--actor', 'bob']), ['secret.update DB', 'secret.duplicate DB_COPY', 'secret.delete API']);
  assert.deepEqual(await actions(['--action', 'secret.create']), ['secret.create DB', 'secret.create API']);
  assert.deepEqual(await actions(['--secret', 'DB']), ['secret.create DB', 'secret.update DB', 'secret.reveal DB']);
  const inMain = ['store.create main', 'secret.create DB', 'secret.create API', 'secret.update DB', 'secret.duplicate DB_COPY', 'secret.reveal DB', 'secret.delete API'];
  assert.deepEqual(await actions(['--store', 'main']), inMain);
  assert.deepEqual(await actions(['--store', store]), inMain);
  assert.deepEqual(await actions(['--since', entries[6]!.time]), entries.slice(6).map((e) => `${e.action} ${e.name}`));
  assert.deepEqual(await actions(['--since', '2999-01-01']), []);
  assert.deepEqual(await actions(['--actor', 'alice', '--action', 'secret.reveal']), ['secret.reveal DB']);
  const unknown = await offline(cf, ['server', 'audit', '--action', 'secret.peek']);
  assert.equal(unknown.code, 2);

  // The table for people: one row per entry, the secret's id where there is one.
  const plain = await offline(cf, ['server', 'audit', '--actor', 'bob']);
  assert.equal(plain.code, 0, plain.stderr);
  const lines = plain.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^#\s+TIME\s+ACTOR\s+ACTION\s+NAME\s+ID\s+DETAIL$/);
  assert.equal(lines.length, 4);
  assert.match(lines[1]!, new RegExp(`^7\\s+\\S+\\s+bob\\s+secret\\.update\\s+DB\\s+${db}\\s+changed (value, comment|comment, value)$`));

  // No value anywhere: not in the trail, not in any output, not in the server's logs.
  for (const value of VALUES) {
    for (const text of [...outputs, cf.server.stdout(), cf.server.stderr()]) assert.ok(!text.includes(value), 'a value was printed');
  }
});

test('verify: 0 on an intact chain; 1 naming the first bad entry after a row is altered or removed; prune keeps it verifiable', async () => {
  const { cf } = await scripted();
  const intact = await offline(cf, ['server', 'audit', 'verify']);
  assert.equal(intact.code, 0, intact.stderr);
  assert.match(intact.stdout, /^verified 11 audit entries: the chain is intact up to entry 11, hash [0-9a-f]{64}\n$/);

  await tamper(cf, { sqlite: `UPDATE audit SET actor = 'mallory' WHERE id = 7`, postgres: `UPDATE ${table} SET actor = 'mallory' WHERE id = 7` });
  const altered = await offline(cf, ['server', 'audit', 'verify']);
  assert.equal(altered.code, 1);
  assert.equal(altered.stdout, '');
  assert.match(altered.stderr, /^error: the audit chain is broken: entry 7: .*altered.*\n$/);

  await tamper(cf, { sqlite: `UPDATE audit SET actor = 'bob' WHERE id = 7`, postgres: `UPDATE ${table} SET actor = 'bob' WHERE id = 7` });
  assert.equal((await offline(cf, ['server', 'audit', 'verify'])).code, 0);

  const keep = `CREATE TABLE kept AS SELECT * FROM ${table} WHERE id = 9`;
  await tamper(cf, { sqlite: `${keep.replace(table, 'audit')}; DELETE FROM audit WHERE id = 9`, postgres: `${keep}; DELETE FROM ${table} WHERE id = 9` });
  const removed = await offline(cf, ['server', 'audit', 'verify']);
  assert.equal(removed.code, 1);
  assert.match(removed.stderr, /^error: the audit chain is broken: entry 10: .*removed.*\n$/);
  await tamper(cf, { sqlite: 'INSERT INTO audit SELECT * FROM kept; DROP TABLE kept', postgres: `INSERT INTO ${table} SELECT * FROM kept; DROP TABLE kept` });

  // Prune everything before entry 8 (each entry came from a request of its own, so their milliseconds differ).
  const before = (await trail(cf))[7]!.time;
  const refused = await offline(cf, ['server', 'audit', 'prune', '--before', before]);
  assert.equal(refused.code, 2, 'no terminal to ask on: --yes is required');
  const pruned = await offline(cf, ['server', 'audit', 'prune', '--before', before, '--yes', '--json']);
  assert.equal(pruned.code, 0, pruned.stderr);
  const record = JSON.parse(pruned.stdout) as Entry;
  assert.equal(record.action, 'audit.prune');
  assert.equal(record.actor, 'local');
  assert.equal(record.detail?.pruned, 7);
  assert.deepEqual((await trail(cf)).map((e) => e.id), [8, 9, 10, 11, 12]);
  const after = await offline(cf, ['server', 'audit', 'verify']);
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stdout, /^verified 5 audit entries from entry 8 \(the ones before were pruned\): the chain is intact up to entry 12, hash [0-9a-f]{64}\n$/);
});

test('sstore audit through a local server: the audit permission decides, on a token bound to no account', async () => {
  const { cf } = await scripted();
  const asToken = async (token: string, args: string[] = []) => {
    const env = { ...cf.env, SSTORE_API_URL: cf.server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, SSTORE_API_TOKEN: token };
    const result = await runCli(['audit', ...args], { env });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const reader = await cf.createToken('reader', 'read,reveal');
  const denied = await asToken(reader, ['--json']);
  assert.equal(denied.code, 4);
  assert.match(denied.stderr, /lacks the "audit" permission/);

  const auditor = await cf.createToken('auditor', 'audit');
  const seen = await asToken(auditor, ['--json', '--actor', 'bob']);
  assert.equal(seen.code, 0, seen.stderr);
  assert.deepEqual((JSON.parse(seen.stdout) as Entry[]).map((e) => e.action), ['secret.update', 'secret.duplicate', 'secret.delete']);
  // The same entries as offline, field for field.
  assert.deepEqual(JSON.parse(seen.stdout), await trail(cf, ['--actor', 'bob']));

  const bound = await cf.createToken('bound-auditor', 'audit', ['--account', ACCOUNT]);
  const refused = await asToken(bound);
  assert.equal(refused.code, 4);
  assert.match(refused.stderr, /spans every account/);

  const admin = await asToken(ROOT_TOKEN, ['--json', '--action', 'token.create']);
  assert.equal(admin.code, 0, admin.stderr);
  assert.deepEqual((JSON.parse(admin.stdout) as Entry[]).map((e) => e.name), ['root', 'alice', 'bob', 'reader', 'auditor', 'bound-auditor']);
  for (const value of VALUES) for (const text of outputs) assert.ok(!text.includes(value), 'a value was printed');
});
