import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

/**
 * Neostore validity windows with real time, through the CLI: `secrets put --not-before/--expires-on`, then
 * `secrets get --reveal` until the window opens or closes. No timing assertion: the edges are only awaited (polled,
 * with a generous deadline), never measured; each window edge lies far enough ahead that the first look is inside.
 */

const ROOT = 'root-token-for-neostore-cli-windows';
// Far enough ahead that the three CLI calls before the edge finish first even on a loaded machine (8 s was not).
const AHEAD_S = 20;
const DEADLINE_MS = 60_000;

const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });
const env = { ...isolatedEnv(), NEOSTORE_API_KEY: ROOT, NEOSTORE_TENANT_ID: 'windows', SSTORE_API_URL: server.url };
const run = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });
const reveal = (key: string) => run(['secrets', 'get', key, '--reveal']);
const listed = async () => (await run(['secrets', 'list', '-q'])).stdout.split('\n').filter(Boolean);

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, 'the window edge never came');
    await sleep(500);
  }
}

function hidden(r: CliResult, key: string): void {
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^error: no secret named "${key}" .*or it is outside its validity window \\(expired or not yet valid\\)`));
}

test('a notBefore a few seconds ahead: hidden (exit 3, not listed), then readable once it passes', async () => {
  const put = await run(['secrets', 'put', 'later', '--not-before', `+${AHEAD_S}s`], 'opens-soon');
  assert.equal(put.code, 0, put.stderr);
  hidden(await reveal('later'), 'later');
  assert.equal((await listed()).includes('later'), false);
  // A window-only patch must read the value first: impossible while it is not yet valid.
  hidden(await run(['secrets', 'patch', 'later', '--expires-on', '+1d']), 'later');
  await until(async () => (await reveal('later')).code === 0);
  assert.equal((await reveal('later')).stdout, 'opens-soon');
  assert.ok((await listed()).includes('later'));
});

test('an expiresOn a few seconds ahead: readable, then hidden once it passes; a put without a window makes it permanent again', async () => {
  const put = await run(['secrets', 'put', 'soon-gone', '--expires-on', `+${AHEAD_S}s`], 'closes-soon');
  assert.equal(put.code, 0, put.stderr);
  assert.equal((await reveal('soon-gone')).stdout, 'closes-soon');
  await until(async () => (await reveal('soon-gone')).code === 3);
  hidden(await reveal('soon-gone'), 'soon-gone');
  assert.equal((await listed()).includes('soon-gone'), false);
  // Not listed, so `put` cannot know the key exists: it says "created", and PUT replaces the expired secret.
  const again = await run(['secrets', 'put', 'soon-gone'], 'back');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /created secret soon-gone/);
  assert.equal((await reveal('soon-gone')).stdout, 'back');
});

test('ISO times: a window over already, or empty, is refused before any request; one around now is readable; patch changes only the window and keeps the value', async () => {
  const past = new Date(Date.now() - 3_600_000).toISOString();
  for (const args of [
    ['secrets', 'put', 'expired', '--expires-on', past],
    ['secrets', 'patch', 'expired', '--expires-on', past],
    ['secrets', 'put', 'empty', '--not-before', '+2d', '--expires-on', '+1d'],
  ]) {
    const refused = await run([...args, '--verbose'], 'old');
    assert.equal(refused.code, 2, args.join(' '));
    assert.match(refused.stderr, /^error: --expires-on (is in the past \(.*\): the secret could never be read|must be later than --not-before)\n$/, args.join(' '));
  }
  hidden(await reveal('expired'), 'expired');

  const hourAgo = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
  assert.equal((await run(['secrets', 'put', 'current', '--not-before', `${hourAgo}Z`, '--expires-on', '+1d'], 'now-valid')).code, 0);
  assert.equal((await reveal('current')).stdout, 'now-valid');
  const patched = await run(['secrets', 'patch', 'current', '--not-before', `+${AHEAD_S}s`]);
  assert.equal(patched.code, 0, patched.stderr);
  assert.match(patched.stderr, /updated validity window of secret current/);
  assert.doesNotMatch(patched.stderr, /warning/, 'a window-only patch resets nothing by surprise');
  hidden(await reveal('current'), 'current');
  await until(async () => (await reveal('current')).code === 0);
  assert.equal((await reveal('current')).stdout, 'now-valid', 'the value was read and put back unchanged');
});
