import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';
import { hasTmux, inTerminal } from '../helpers/terminal.ts';

const ROOT = 'root-token-for-profile-tests';
const ACCOUNT = '0123456789abcdef0123456789abcdef';

/** No session bus: a token lands in the 0600 credentials file, which `profile show` reports. */
function fileTokenEnv(): NodeJS.ProcessEnv {
  const env = isolatedEnv();
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return env;
}

test('local with two stores and no `default`: the hint names `profile set local`, which works; SSTORE_STORE replaces it', async () => {
  const env = isolatedEnv();
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}, input?: string) => runCli(args, { env: { ...env, ...extra }, ...(input !== undefined && { input }) });
  assert.equal((await run(['stores', 'create', 'first'])).code, 0);
  assert.equal((await run(['stores', 'create', 'second'])).code, 0);
  assert.equal((await run(['secrets', 'put', 'IN_FIRST', '--store', 'first'], {}, 'v')).code, 0);
  const ambiguous = await run(['secrets', 'list']);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /hint: or set a default: `sstore profile set local --store S`/);

  const set = await run(['profile', 'set', 'local', '--store', 'second']);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stderr, /profile local: default store second/);
  assert.equal((await run(['secrets', 'put', 'IN_SECOND'], {}, 'w')).code, 0);
  assert.equal((await run(['secrets', 'list', '-q'])).stdout, 'IN_SECOND\n');
  assert.deepEqual(JSON.parse(readFileSync(join(env.SSTORE_CONFIG_DIR!, 'config.json'), 'utf8')), { local: { store: 'second' } });
  assert.equal(JSON.parse((await run(['profile', 'show', '--json'])).stdout).store, 'second');

  assert.equal((await run(['secrets', 'list', '-q'], { SSTORE_STORE: 'first' })).stdout, 'IN_FIRST\n');
  const show = JSON.parse((await run(['profile', 'show', '--json'], { SSTORE_STORE: 'first' })).stdout);
  assert.deepEqual([show.store, show.overridden], ['first', ['store (SSTORE_STORE)']]);
  const missing = await run(['secrets', 'list'], { SSTORE_STORE: 'nope' });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /error: no store named "nope" \(SSTORE_STORE\)/);
  assert.equal((await run(['secrets', 'list', '-q', '--store', 'first'], { SSTORE_STORE: 'second' })).stdout, 'IN_FIRST\n', '--store wins');

  assert.equal((await run(['profile', 'set', 'local', '--no-store'])).code, 0);
  assert.equal((await run(['secrets', 'list'])).code, 2, 'no default again');
  const refused = await run(['profile', 'set', 'local', '--url', 'http://127.0.0.1:1']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /error: the local profile is built in: only its default store can be set/);
  const reserved = await run(['profile', 'add', 'local', '--account', 'x']);
  assert.equal(reserved.code, 2);
  assert.match(reserved.stderr, /hint: to give it a default store: `sstore profile set local --store S`/);
});

test('profile set changes only the fields given; a new URL drops the token, a new account keeps it', async () => {
  const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });
  const env = fileTokenEnv();
  const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });
  // The bare address the server prints: completed with /client/v4 in one line, not accepted and failing later.
  const add = await run(['profile', 'add', 'dev', '--url', server.url, '--account', ACCOUNT]);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stderr, new RegExp(`using --url ${server.api}\n`));
  assert.equal((await run(['login', '--profile', 'dev'], `${ROOT}\n`)).code, 0);
  assert.equal((await run(['--profile', 'dev', 'stores', 'create', 'main'])).code, 0);
  assert.equal((await run(['--profile', 'dev', 'stores', 'create', 'other'])).code, 0);

  const set = await run(['profile', 'set', 'dev', '--store', 'main']);
  assert.equal(set.code, 0, set.stderr);
  let show = JSON.parse((await run(['profile', 'show', 'dev', '--json'])).stdout);
  assert.deepEqual([show.url, show.account, show.store, show.credentials], [server.api, ACCOUNT, 'main', 'file'], 'URL, account and token kept');
  assert.equal((await run(['--profile', 'dev', 'secrets', 'put', 'K'], 'v')).code, 0, 'the default store is used');

  assert.equal((await run(['profile', 'set', 'dev', '--account', 'abcdef'])).code, 0);
  show = JSON.parse((await run(['profile', 'show', 'dev', '--json'])).stdout);
  assert.deepEqual([show.url, show.account, show.store, show.credentials], [server.api, 'abcdef', 'main', 'file']);

  const moved = await run(['profile', 'set', 'dev', '--url', 'http://127.0.0.1:9/client/v4']);
  assert.equal(moved.code, 0);
  assert.match(moved.stderr, /removed its stored token \(log in again: sstore login --profile dev\)/);
  show = JSON.parse((await run(['profile', 'show', 'dev', '--json'])).stdout);
  assert.deepEqual([show.url, show.account, show.store, show.credentials], ['http://127.0.0.1:9/client/v4', 'abcdef', 'main', null]);

  const nothing = await run(['profile', 'set', 'dev']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /error: nothing to change/);
  const unknown = await run(['profile', 'set', 'nobody', '--store', 'x']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no profile named "nobody"/);
});

test('profile add of an existing name: refused without a terminal (exit 5, nothing changed); --force replaces it', async () => {
  const env = isolatedEnv();
  const run = (args: string[]) => runCli(args, { env });
  assert.equal((await run(['profile', 'add', 'neo', '--provider', 'neostore', '--local'])).code, 0);
  const again = await run(['profile', 'add', 'neo', '--account', ACCOUNT]);
  assert.equal(again.code, 5);
  assert.match(again.stderr, /error: profile "neo" exists \(neostore, in-process, account neo\); nothing was changed\nhint: change one field with `sstore profile set neo/);
  assert.equal(JSON.parse((await run(['profile', 'show', 'neo', '--json'])).stdout).provider, 'neostore');
  const forced = await run(['profile', 'add', 'neo', '--account', ACCOUNT, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /replaced profile neo/);
  const show = JSON.parse((await run(['profile', 'show', 'neo', '--json'])).stdout);
  assert.deepEqual([show.provider, show.url, show.account], ['cloudflare', 'https://api.cloudflare.com/client/v4', ACCOUNT]);
});

test('profile add of an existing name asks on a terminal; "no" keeps it', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
  const env = isolatedEnv();
  assert.equal((await runCli(['profile', 'add', 'p', '--account', 'first'], { env })).code, 0);
  const term = await inTerminal(env, ['profile', 'add', 'p', '--account', 'second'], { width: 160, height: 40 });
  await term.waitFor(/Profile p exists \(cloudflare, https:\/\/api\.cloudflare\.com\/client\/v4, account first\)\. Replace it\?/);
  term.type('n');
  term.press('Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /cancelled; nothing was changed\n[^]*EXIT=130/);
  assert.equal(JSON.parse((await runCli(['profile', 'show', 'p', '--json'], { env })).stdout).account, 'first');
});
