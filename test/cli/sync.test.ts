import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer, type ServerProcess } from '../helpers/server.ts';
import { createToken } from '../helpers/tokens.ts';

/**
 * `sstore sync` between real processes: the embedded store as the source, a second data dir served by a real
 * `sstore server` as the target (Cloudflare, SGP and Neostore dialects), over real HTTP.
 */

const ROOT = 'root-token-for-sync-tests';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
/** Values no output, argv or state file may show: long and unlike anything else. */
const VALUES: Record<string, string> = {
  DB_PASSWORD: 'sync-value-db-7f3a9c1e',
  API_KEY: 'sync-value-api-52be08d4',
  SESSION_SECRET: 'sync-value-session-c61d2b77',
};

async function ok(result: Promise<CliResult>): Promise<CliResult> {
  const done = await result;
  assert.equal(done.code, 0, done.stderr);
  return done;
}

function assertNoValues(text: string, values: readonly string[], where: string): void {
  for (const value of values) assert.ok(!text.includes(value), `a value appears in ${where}`);
}

/** The user: an embedded store holding VALUES, and a profile for the target server. */
async function userWithSource(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const env = isolatedEnv(extra);
  for (const [name, value] of Object.entries(VALUES)) await ok(runCli(['secrets', 'put', name], { env, input: value }));
  return env;
}

async function addProfile(env: NodeJS.ProcessEnv, name: string, args: string[], token: string): Promise<void> {
  await ok(runCli(['profile', 'add', name, ...args], { env }));
  await ok(runCli(['login', '--profile', name], { env, input: token }));
}

/** What the target holds, read back with the root token (the local server reveals to it). */
async function targetValues(server: ServerProcess, store: string): Promise<Record<string, string>> {
  const env = isolatedEnv({ SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: ROOT });
  return JSON.parse((await ok(runCli(['export', '--store', store, '--format', 'json'], { env }))).stdout) as Record<string, string>;
}

interface PlanJson {
  create: Array<{ name: string; why: string }>;
  update: Array<{ name: string; why: string }>;
  unchanged: Array<{ name: string; why: string }>;
  delete: Array<{ name: string; why: string }>;
}

test('embedded store → a server acting as Cloudflare: create, then exactly one update and the rest unchanged, --prune one delete; the state holds digests only', async () => {
  const dataDir = tempDir();
  const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
  const server = await startServer({ env: serverEnv, dataDir });
  // A token without `reveal`, as Cloudflare itself: values can be written, never read back.
  const writer = await createToken(serverEnv, dataDir, { name: 'sync-writer', permissions: 'read,write', account: ACCOUNT });
  const env = await userWithSource();
  await addProfile(env, 'cf', ['--url', server.api, '--account', ACCOUNT], writer);
  await ok(runCli(['--profile', 'cf', 'stores', 'create', 'main'], { env }));
  const outputs: string[] = [];
  const run = async (args: string[], code = 0) => {
    const result = await runCli(args, { env });
    assert.equal(result.code, code, result.stderr);
    outputs.push(result.stdout, result.stderr);
    return result;
  };

  const dry = await run(['sync', '--from', 'local', '--to', 'cf:main', '--dry-run']);
  assert.equal(dry.stdout, 'create     API_KEY  (not in the target)\ncreate     DB_PASSWORD  (not in the target)\ncreate     SESSION_SECRET  (not in the target)\n');
  assert.match(dry.stderr, /^dry run: 3 to create, 0 to update from store default of profile local to store main of profile cf; nothing was changed\n$/);
  assert.deepEqual(await targetValues(server, 'main'), {}, 'a dry run writes nothing');

  const first = await run(['sync', '--from', 'local', '--to', 'cf:main', '--json']);
  assert.deepEqual(JSON.parse(first.stdout), {
    from: { profile: 'local', store: 'default' },
    to: { profile: 'cf', store: 'main' },
    created: ['API_KEY', 'DB_PASSWORD', 'SESSION_SECRET'],
    updated: [],
    deleted: [],
    unchanged: [],
  });
  assert.deepEqual(await targetValues(server, 'main'), VALUES);
  const scopes = JSON.parse((await run(['--profile', 'cf', 'secrets', 'get', 'API_KEY', '--store', 'main', '--json'])).stdout).scopes;
  assert.deepEqual(scopes, ['workers'], 'the source secret\'s scopes travel with it');

  await ok(runCli(['secrets', 'put', 'API_KEY'], { env, input: 'sync-value-api-rotated-91c0' }));
  const plan = JSON.parse((await run(['sync', '--from', 'local', '--to', 'cf:main', '--dry-run', '--json'])).stdout) as PlanJson;
  assert.deepEqual(plan.create, []);
  assert.deepEqual(plan.update, [{ name: 'API_KEY', why: 'the value changed since the last sync' }]);
  assert.deepEqual(plan.unchanged.map((e) => e.name), ['DB_PASSWORD', 'SESSION_SECRET']);
  for (const entry of plan.unchanged) assert.equal(entry.why, 'same value as the last sync, not modified on the target since');
  const second = await run(['sync', '--from', 'local', '--to', 'cf:main']);
  assert.match(second.stderr, /created 0, updated 1, unchanged 2 in store main of profile cf\n$/);
  assert.equal((await targetValues(server, 'main')).API_KEY, 'sync-value-api-rotated-91c0');

  // Someone changes a secret on the target: the digest still matches, its modified time does not.
  await ok(runCli(['--profile', 'cf', 'secrets', 'put', 'DB_PASSWORD', '--store', 'main'], { env, input: 'changed-behind-our-back' }));
  const drifted = JSON.parse((await run(['sync', '--from', 'local', '--to', 'cf:main', '--dry-run', '--json'])).stdout) as PlanJson;
  assert.deepEqual(drifted.update.map((e) => e.name), ['DB_PASSWORD']);
  assert.match(drifted.update[0]!.why, /^changed on the target since the last sync \(modified 20\d\d-/);
  await run(['sync', '--from', 'local', '--to', 'cf:main']);
  assert.equal((await targetValues(server, 'main')).DB_PASSWORD, VALUES.DB_PASSWORD);

  await ok(runCli(['secrets', 'rm', 'SESSION_SECRET', '--yes'], { env }));
  const refused = await run(['sync', '--from', 'local', '--to', 'cf:main', '--prune'], 2);
  assert.match(refused.stderr, /pass --yes/);
  const pruned = await run(['sync', '--from', 'local', '--to', 'cf:main', '--prune', '--yes', '--json']);
  assert.deepEqual(JSON.parse(pruned.stdout), {
    from: { profile: 'local', store: 'default' },
    to: { profile: 'cf', store: 'main' },
    created: [],
    updated: [],
    deleted: ['SESSION_SECRET'],
    unchanged: ['API_KEY', 'DB_PASSWORD'],
  });
  assert.deepEqual(Object.keys(await targetValues(server, 'main')).sort(), ['API_KEY', 'DB_PASSWORD']);

  // The state: a 0700 folder, 0600 files, digests and times, never a value.
  const stateDir = join(env.SSTORE_DATA_DIR!, 'sync');
  assert.equal(statSync(stateDir).mode & 0o777, 0o700);
  const files = readdirSync(stateDir);
  assert.equal(files.length, 2, files.join());
  for (const file of files) assert.equal(statSync(join(stateDir, file)).mode & 0o777, 0o600, file);
  const stateFile = files.find((f) => f.endsWith('.json'))!;
  const state = JSON.parse(readFileSync(join(stateDir, stateFile), 'utf8')) as { secrets: Record<string, { digest: string; modified: string }> };
  assert.deepEqual(Object.keys(state.secrets).sort(), ['API_KEY', 'DB_PASSWORD'], 'a deleted secret is forgotten');
  const allValues = [...Object.values(VALUES), 'sync-value-api-rotated-91c0', 'changed-behind-our-back'];
  for (const file of files) assertNoValues(readFileSync(join(stateDir, file), 'utf8'), allValues, `the state file ${file}`);
  assertNoValues(outputs.join('\n'), allValues, 'the output of sync');
  assertNoValues(server.stderr() + server.stdout(), allValues, 'the server log');

  // A secret someone deletes on the target is forgotten at the next sync (here one that leaves it out with --only).
  await run(['--profile', 'cf', 'secrets', 'rm', 'DB_PASSWORD', '--store', 'main', '--yes']);
  await run(['sync', '--from', 'local', '--to', 'cf:main', '--only', 'API_KEY']);
  const tidied = JSON.parse(readFileSync(join(stateDir, stateFile), 'utf8')) as typeof state;
  assert.deepEqual(Object.keys(tidied.secrets), ['API_KEY']);
  await run(['sync', '--from', 'local', '--to', 'cf:main']);

  // Forgetting the state: every existing secret is then one update, said why.
  const { rmSync } = await import('node:fs');
  rmSync(stateDir, { recursive: true });
  const forgotten = JSON.parse((await run(['sync', '--from', 'local', '--to', 'cf:main', '--dry-run', '--json'])).stdout) as PlanJson;
  assert.deepEqual(forgotten.update.map((e) => [e.name, e.why]), [
    ['API_KEY', 'no record of its value: not written by sync from this machine yet'],
    ['DB_PASSWORD', 'no record of its value: not written by sync from this machine yet'],
  ]);
});

test('a target server stopped mid-sync: the account names what was and was not written, and a rerun finishes', async () => {
  const dataDir = tempDir();
  const serverEnv = isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT });
  let server = await startServer({ env: serverEnv, dataDir });
  // A real HTTP hop in front of the target: on the second batch of creates it stops the server, and the request
  // gets no answer.
  let creates = 0;
  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', async () => {
      if (req.method === 'POST' && /\/secrets$/.test(req.url ?? '') && ++creates === 2) await server.stop();
      try {
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'content-type', 'accept']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
        const answer = await fetch(`${server.url}${req.url}`, { method: req.method!, headers, ...(body.length > 0 && { body: Buffer.concat(body) }) });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      } catch {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  after(() => proxy.close());
  const port = (proxy.address() as AddressInfo).port;
  const env = isolatedEnv();
  const many = Array.from({ length: 250 }, (_, i) => `S${String(i).padStart(4, '0')}`);
  await ok(runCli(['import', '-', '--format', 'json'], { env, input: JSON.stringify(Object.fromEntries(many.map((n) => [n, `v-${n}-secret`]))) }));
  await addProfile(env, 'cf', ['--url', `http://127.0.0.1:${port}/client/v4`, '--account', ACCOUNT], ROOT);
  await ok(runCli(['--profile', 'cf', 'stores', 'create', 'main'], { env }));

  const partial = await runCli(['sync', '--from', 'local', '--to', 'cf'], { env });
  assert.equal(partial.code, 7, partial.stderr);
  assert.match(partial.stderr, /^sync stopped part way: created 100, updated 0 in store main of profile cf$/m);
  assert.deepEqual(/^created: (.*)$/m.exec(partial.stderr)![1]!.split(', '), many.slice(0, 100));
  assert.deepEqual(/^unknown \(the request got no answer; a rerun settles it\): (.*)$/m.exec(partial.stderr)![1]!.split(', '), many.slice(100, 200));
  assert.deepEqual(/^not written \(50\): (.*)$/m.exec(partial.stderr)![1]!.split(', '), many.slice(200));
  assert.match(partial.stderr, /^hint: fix the cause and run the same sync again/m);

  server = await startServer({ env: serverEnv, dataDir });
  const rerun = await runCli(['sync', '--from', 'local', '--to', 'cf', '--dry-run', '--json'], { env });
  const plan = JSON.parse(rerun.stdout) as PlanJson;
  assert.equal(plan.create.length, 150);
  assert.equal(plan.unchanged.length, 100, 'the root token reads values back: what was written is unchanged');
  assert.equal(plan.unchanged[0]!.why, 'same value (read back from the target)');
  const finished = await runCli(['sync', '--from', 'local', '--to', 'cf'], { env });
  assert.equal(finished.code, 0, finished.stderr);
  assert.match(finished.stderr, /created 150, updated 0, unchanged 100 in store main of profile cf\n$/);
  assert.equal(creates, 2 + 2, '250 secrets travel in batches of 100: two requests, then the two the rerun needed for 150');
  const values = await targetValues(server, 'main');
  assert.equal(Object.keys(values).length, 250);
  assert.equal(values.S0249, 'v-S0249-secret');
});

test('into SGP and Neostore profiles of the same server; names a target refuses; the source must be able to return values', async () => {
  const dataDir = tempDir();
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir });
  const env = await userWithSource();
  await addProfile(env, 'gp', ['--provider', 'sgp', '--url', server.url, '--account', 'acct-sync'], ROOT);
  await addProfile(env, 'neo', ['--provider', 'neostore', '--url', server.url, '--account', 'tenant-sync'], ROOT);

  // SGP keys are lower-case: every name it would refuse is listed, and nothing is written.
  const refused = await runCli(['sync', '--from', 'local', '--to', 'gp'], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^store default of profile local: invalid SGP key "API_KEY": character 1 is an upper-case letter/m);
  assert.match(refused.stderr, /^error: 3 secrets of the source cannot be written to store acct-sync of profile gp; nothing was written$/m);
  assert.equal((await ok(runCli(['--profile', 'gp', 'secrets', 'list', '-q'], { env }))).stdout, '');

  const kebab: Record<string, string> = { 'api-key': 'sync-kebab-1f2e', 'db-password': 'sync-kebab-3d4c', 'session-secret': 'sync-kebab-5b6a' };
  await ok(runCli(['stores', 'create', 'kebab'], { env }));
  for (const [name, value] of Object.entries(kebab)) await ok(runCli(['secrets', 'put', name, '--store', 'kebab'], { env, input: value }));
  for (const profile of ['gp', 'neo']) {
    const first = await runCli(['sync', '--from', 'local:kebab', '--to', profile], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /created 3, updated 0 in store /);
    const list = await ok(runCli(['--profile', profile, 'secrets', 'list', '-q'], { env }));
    assert.deepEqual(list.stdout.split('\n').filter(Boolean).sort(), Object.keys(kebab));
    const again = JSON.parse((await ok(runCli(['sync', '--from', 'local:kebab', '--to', profile, '--dry-run', '--json'], { env }))).stdout) as PlanJson;
    assert.equal(again.unchanged.length, 3, profile);
    assert.deepEqual(again.update, []);
    const why = profile === 'gp' ? 'same value as the last sync, not modified on the target since' : 'same value (read back from the target)';
    for (const entry of again.unchanged) assert.equal(entry.why, why, profile);
  }
  await ok(runCli(['secrets', 'put', 'api-key', '--store', 'kebab'], { env, input: 'sync-kebab-rotated' }));
  const sgpPlan = JSON.parse((await ok(runCli(['sync', '--from', 'local:kebab', '--to', 'gp', '--dry-run', '--json'], { env }))).stdout) as PlanJson;
  assert.deepEqual(sgpPlan.update, [{ name: 'api-key', why: 'the value changed since the last sync' }]);
  await ok(runCli(['sync', '--from', 'local:kebab', '--to', 'neo'], { env }));
  const neoValues = JSON.parse((await ok(runCli(['--profile', 'neo', 'export', '--format', 'json'], { env }))).stdout);
  assert.deepEqual(neoValues, { ...kebab, 'api-key': 'sync-kebab-rotated' });

  // Neostore returns values, so it can be a source too; SGP cannot.
  const missing = await runCli(['sync', '--from', 'neo', '--to', 'local:copy'], { env });
  assert.equal(missing.code, 3, 'the target store must exist');
  await ok(runCli(['stores', 'create', 'copy'], { env }));
  await ok(runCli(['sync', '--from', 'neo', '--to', 'local:copy'], { env }));
  assert.deepEqual(JSON.parse((await ok(runCli(['export', '--store', 'copy', '--format', 'json'], { env }))).stdout), neoValues);
  const writeOnly = await runCli(['sync', '--from', 'gp', '--to', 'local'], { env });
  assert.equal(writeOnly.code, 2);
  assert.match(writeOnly.stderr, /^error: .*write-only: the API never returns them, so sstore sync --from gp cannot read them$/m);
});

test('refusals before any write: --prune with --only, the same store twice, a malformed endpoint, an empty source with --prune', async () => {
  const env = await userWithSource();
  const cases: Array<[string[], number, RegExp]> = [
    [['--from', 'local', '--to', 'local', '--prune', '--only', 'API_KEY'], 2, /--prune deletes what the source does not have, and --only reads part of the source/],
    [['--from', 'local', '--to', 'local:default'], 2, /--from and --to are the same store \(store default of profile local\)/],
    [['--from', 'local:', '--to', 'local'], 2, /--from expects PROFILE or PROFILE:STORE/],
    [['--from', 'nope', '--to', 'local'], 2, /no profile named "nope"/],
    [['--from', 'local', '--to', 'local:other', '--only', 'MISSING'], 3, /no secret named "MISSING"/],
  ];
  await ok(runCli(['stores', 'create', 'other'], { env }));
  for (const [args, code, message] of cases) {
    const result = await runCli(['sync', ...args], { env });
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  await ok(runCli(['stores', 'create', 'third'], { env }));
  const nothing = await runCli(['sync', '--from', 'local:other', '--to', 'local:third', '--prune', '--yes'], { env });
  assert.equal(nothing.code, 0, 'an empty source and an empty target: nothing to do');
  assert.match(nothing.stderr, /created 0, updated 0 in store third of profile local/);
  const emptied = await runCli(['sync', '--from', 'local:other', '--to', 'local:default', '--prune', '--yes'], { env });
  assert.equal(emptied.code, 2);
  assert.match(emptied.stderr, /^error: store other of profile local names no secrets, so --prune would delete all 3 secrets of store default of profile local; nothing was changed\nhint: pass --allow-empty/m);
  const allowed = await runCli(['sync', '--from', 'local:other', '--to', 'local:default', '--prune', '--yes', '--allow-empty'], { env });
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stderr, /deleted 3 in store default of profile local/);
});

test('in CI, --to env is the profile the environment names', async () => {
  const dataDir = tempDir();
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir });
  const env = { ...(await userWithSource()), SSTORE_API_URL: server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: ROOT };
  const absent = await runCli(['sync', '--from', 'local', '--to', 'env'], { env: { ...env, SSTORE_API_URL: '', CLOUDFLARE_ACCOUNT_ID: '' } });
  assert.equal(absent.code, 2);
  assert.match(absent.stderr, /the environment names no provider, so there is no profile "env"/);
  await ok(runCli(['stores', 'create', 'main'], { env }));
  const done = await runCli(['sync', '--from', 'local', '--to', 'env:main', '--json'], { env });
  assert.equal(done.code, 0, done.stderr);
  assert.deepEqual(JSON.parse(done.stdout).to, { profile: 'env', store: 'main' });
  assert.deepEqual(await targetValues(server, 'main'), VALUES);
});
