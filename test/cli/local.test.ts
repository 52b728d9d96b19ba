import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';

/** The embedded default: a fresh HOME, no configuration, no server, no token. */
function user() {
  const env = isolatedEnv();
  const run = (args: string[], input?: string | Buffer, extra: NodeJS.ProcessEnv = {}) =>
    runCli(args, { env: { ...env, ...extra }, ...(input !== undefined && { input }) });
  const names = async () => (await run(['secrets', 'list', '-q'])).stdout.split('\n').filter(Boolean);
  const reveal = async (name: string) => {
    const r = await run(['secrets', 'get', name, '--reveal']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  return { env, run, names, reveal };
}

test('first put on a new machine just works: a store named default, the master key announced once', async () => {
  const { run, names } = user();
  const put = await run(['secrets', 'put', 'DB_PASSWORD'], 'hunter2\n');
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stderr, /created the embedded store in .*master key/);
  assert.match(put.stderr, /created secret DB_PASSWORD in store default/);
  assert.equal(put.stdout, '');
  const again = await run(['secrets', 'put', 'DB_PASSWORD'], 'hunter3');
  assert.match(again.stderr, /updated secret DB_PASSWORD/);
  assert.doesNotMatch(again.stderr, /master key/);
  assert.deepEqual(await names(), ['DB_PASSWORD']);
  const stores = await run(['stores', 'list', '--json']);
  assert.deepEqual(JSON.parse(stores.stdout).map((s: { name: string }) => s.name), ['default']);
});

test('values are kept byte for byte: stdin minus one newline, --from-env, --from-file exactly, --value with a warning', async () => {
  const { run, reveal } = user();
  const dir = tempDir();
  assert.equal((await run(['secrets', 'put', 'PIPED'], 'a b\n\n')).code, 0);
  assert.equal(await reveal('PIPED'), 'a b\n');
  assert.equal((await run(['secrets', 'put', 'CRLF'], 'x\r\n')).code, 0);
  assert.equal(await reveal('CRLF'), 'x');
  assert.equal((await run(['secrets', 'put', 'ENV', '--from-env', 'MY_VALUE'], undefined, { MY_VALUE: 'ünïcode ✓ ' })).code, 0);
  assert.equal(await reveal('ENV'), 'ünïcode ✓ ');
  const file = join(dir, 'cert.pem');
  writeFileSync(file, '-----BEGIN-----\nabc\n-----END-----\n');
  assert.equal((await run(['secrets', 'put', 'FILE', '--from-file', file])).code, 0);
  assert.equal(await reveal('FILE'), '-----BEGIN-----\nabc\n-----END-----\n');
  const argv = await run(['secrets', 'put', 'ARGV', '--value', 'visible']);
  assert.equal(argv.code, 0);
  assert.match(argv.stderr, /warning: --value is visible/);
  assert.doesNotMatch(argv.stderr, /visible"|: visible/);
});

test('bad values are refused before any request, and the store is unchanged', async () => {
  const { run, reveal, names } = user();
  assert.equal((await run(['secrets', 'put', 'KEEP'], 'original')).code, 0);
  const big = Buffer.alloc(65_537, 0x61);
  const tooBig = await run(['secrets', 'put', 'KEEP'], big);
  assert.equal(tooBig.code, 6);
  assert.match(tooBig.stderr, /^error: the value is 65,537 bytes; the limit is 65,536\n$/);
  assert.equal((await run(['secrets', 'put', 'MAX'], Buffer.alloc(65_536, 0x62))).code, 0);
  const notUtf8 = await run(['secrets', 'put', 'KEEP'], Buffer.from([0xff, 0xfe, 0x00]));
  assert.equal(notUtf8.code, 2);
  assert.match(notUtf8.stderr, /not valid UTF-8/);
  const empty = await run(['secrets', 'put', 'KEEP']);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /standard input was empty/);
  const twoWays = await run(['secrets', 'put', 'KEEP', '--value', 'a', '--from-env', 'HOME']);
  assert.equal(twoWays.code, 2);
  const noEnv = await run(['secrets', 'put', 'KEEP', '--from-env', 'NOT_SET_ANYWHERE']);
  assert.equal(noEnv.code, 2);
  assert.match(noEnv.stderr, /NOT_SET_ANYWHERE is not set/);
  const noFile = await run(['secrets', 'put', 'KEEP', '--from-file', '/nonexistent/x']);
  assert.equal(noFile.code, 2);
  assert.match(noFile.stderr, /cannot read \/nonexistent\/x \(ENOENT\)/);
  const badName = await run(['secrets', 'put', 'bad name'], 'v');
  assert.equal(badName.code, 2);
  assert.match(badName.stderr, /invalid secret name/);
  for (const r of [tooBig, notUtf8, empty, twoWays, noEnv, noFile, badName]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(await reveal('KEEP'), 'original');
  assert.deepEqual(await names(), ['KEEP', 'MAX']);
});

test('get, list, patch, dup and rm by name, with --json, -q and documented exit codes', async () => {
  const { run, names, reveal } = user();
  for (const name of ['A_KEY', 'B_KEY', 'C_KEY', 'OTHER']) assert.equal((await run(['secrets', 'put', name, '--comment', `about ${name}`], `v-${name}`)).code, 0);
  const got = await run(['secrets', 'get', 'A_KEY', '--json']);
  const secret = JSON.parse(got.stdout);
  assert.equal(secret.name, 'A_KEY');
  assert.match(secret.id, /^[0-9a-f]{32}$/);
  assert.deepEqual(secret.scopes, ['workers']);
  assert.equal(secret.value, undefined, 'metadata only without --reveal');
  const byId = await run(['secrets', 'get', secret.id, '-q']);
  assert.equal(byId.stdout, 'A_KEY\n');

  const list = JSON.parse((await run(['secrets', 'list', '--json'])).stdout) as { name: string }[];
  assert.deepEqual(list.map((s) => s.name), ['A_KEY', 'B_KEY', 'C_KEY', 'OTHER']);
  const searched = JSON.parse((await run(['secrets', 'list', '--search', '_KEY', '--order', 'name', '--direction', 'desc', '--json'])).stdout) as { name: string }[];
  assert.deepEqual(searched.map((s) => s.name), ['C_KEY', 'B_KEY', 'A_KEY']);
  const none = await run(['secrets', 'list', '--search', 'nothing-like-this', '--json']);
  assert.equal(none.code, 0);
  assert.equal(none.stdout.trim(), '[]');

  const patched = await run(['secrets', 'patch', 'A_KEY', '--comment', 'rotated', '--scopes', 'workers,ai_gateway', '--json']);
  assert.equal(patched.code, 0, patched.stderr);
  assert.deepEqual(JSON.parse(patched.stdout).scopes.sort(), ['ai_gateway', 'workers']);
  assert.equal(await reveal('A_KEY'), 'v-A_KEY', 'patching metadata keeps the value');
  assert.equal((await run(['secrets', 'patch', 'A_KEY'], 'new-value')).code, 0);
  assert.equal(await reveal('A_KEY'), 'new-value');
  const scoped = JSON.parse((await run(['secrets', 'list', '--scopes', 'ai_gateway', '--json'])).stdout) as { name: string }[];
  assert.deepEqual(scoped.map((s) => s.name), ['A_KEY']);
  const nothing = await run(['secrets', 'patch', 'A_KEY']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /nothing to change/);

  const dup = await run(['secrets', 'dup', 'A_KEY', 'A_COPY']);
  assert.equal(dup.code, 0, dup.stderr);
  assert.equal(await reveal('A_COPY'), 'new-value');
  assert.equal((await run(['secrets', 'dup', 'A_KEY', 'B_KEY'])).code, 5, 'copying onto an existing name is a conflict');

  const unknown = await run(['secrets', 'rm', 'B_KEY', 'NOPE', '--yes']);
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /no secret named "NOPE"/);
  assert.ok((await names()).includes('B_KEY'), 'nothing deleted when one name is unknown');
  const noYes = await run(['secrets', 'rm', 'B_KEY']);
  assert.equal(noYes.code, 2);
  assert.match(noYes.stderr, /--yes/);
  const rm = await run(['secrets', 'rm', 'B_KEY', 'C_KEY', '--yes', '--verbose']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(rm.stderr.match(/DELETE /g)?.length, 1, 'several names: one bulk delete');
  assert.deepEqual(await names(), ['A_COPY', 'A_KEY', 'OTHER']);

  for (const args of [['secrets', 'get', 'MISSING'], ['secrets', 'patch', 'MISSING', '--comment', 'x'], ['secrets', 'dup', 'MISSING', 'X']]) {
    const r = await run(args);
    assert.equal(r.code, 3, args.join(' '));
    assert.match(r.stderr, /^error: no secret named "MISSING" in store "default"\nhint: /);
  }
  const quota = JSON.parse((await run(['quota', '--json'])).stdout);
  assert.equal(quota.secrets.usage, 3);
});

test('stores: create, list, ambiguity, delete needs --yes and --force for a non-empty store', async () => {
  const { run } = user();
  assert.equal((await run(['secrets', 'put', 'X'], 'v')).code, 0);
  const created = await run(['stores', 'create', 'second', '--json']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(JSON.parse(created.stdout).name, 'second');
  assert.equal((await run(['stores', 'create', 'second'])).code, 5);
  assert.equal((await run(['stores', 'create', 'bad/name'])).code, 2);
  // The store the embedded store made itself stays the default: a second store does not break plain commands.
  assert.equal((await run(['secrets', 'list', '-q'])).stdout, 'X\n');
  assert.equal((await run(['secrets', 'list', '--store', 'nope'])).code, 3);
  const all = JSON.parse((await run(['secrets', 'list', '--all', '--json'])).stdout) as { name: string }[];
  assert.deepEqual(all.map((s) => s.name), ['X']);
  assert.equal((await run(['stores', 'delete', 'second'])).code, 2, 'an empty store: no terminal to ask on, no --yes');
  assert.equal((await run(['stores', 'delete', 'default'])).code, 5, 'a non-empty store: said before any question');
  assert.equal((await run(['stores', 'delete', 'default', '--force'])).code, 2);
  const notEmpty = await run(['stores', 'delete', 'default', '--yes']);
  assert.equal(notEmpty.code, 5);
  assert.match(notEmpty.stderr, /still holds secrets[\s\S]*--force/);
  assert.equal((await run(['stores', 'delete', 'default', '--yes', '--force'])).code, 0);
  assert.equal((await run(['stores', 'delete', 'second', '--yes'])).code, 0);
  assert.equal((await run(['stores', 'list', '--json'])).stdout.trim(), '[]');
});

test('usage errors exit 2 with one line and no stack trace', async () => {
  const { run } = user();
  const cases = [
    ['secrets', 'put'],
    ['secrets', 'get'],
    ['secrets', 'dup', 'A'],
    ['secrets', 'rm'],
    ['secrets', 'list', '--order', 'size'],
    ['secrets', 'list', '--bogus'],
    ['stores', 'create'],
    ['stores', 'delete'],
    ['nonsense'],
    ['--timeout', '-1', 'quota'],
    ['profile', 'add', 'x'],
    ['profile', 'use', 'nobody'],
    ['login'],
  ];
  for (const args of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /m, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('SSTORE_DEBUG=1 adds the stack trace', async () => {
  const { run } = user();
  const r = await run(['secrets', 'get', 'NOPE'], undefined, { SSTORE_DEBUG: '1' });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /\n\s+at /);
});
