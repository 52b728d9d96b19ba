import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { inTerminal, skipWithoutTmux } from '../helpers/terminal.ts';

/** What `sync` and `bindings --write` show and ask on a real terminal (a tmux pane). */

async function userWithStores(): Promise<NodeJS.ProcessEnv> {
  const env = isolatedEnv();
  for (const name of ['DB_PASSWORD', 'API_KEY']) assert.equal((await runCli(['secrets', 'put', name], { env, input: 'terminal-value' })).code, 0);
  assert.equal((await runCli(['stores', 'create', 'other'], { env })).code, 0);
  return env;
}

async function names(env: NodeJS.ProcessEnv, store: string): Promise<string[]> {
  return (await runCli(['secrets', 'list', '-q', '--store', store], { env })).stdout.split('\n').filter(Boolean);
}

test('sync on a terminal shows the plan and asks once; "no" writes nothing (exit 130), "yes" writes', { skip: skipWithoutTmux }, async () => {
  const env = await userWithStores();
  const declined = await inTerminal(env, ['sync', '--from', 'local', '--to', 'local:other'], { width: 120 });
  let screen = await declined.waitFor(/Sync 2 to create, 0 to update into store other of profile local\?/);
  assert.match(screen, /^create     API_KEY  \(not in the target\)$/m);
  assert.match(screen, /^create     DB_PASSWORD  \(not in the target\)$/m);
  declined.type('n');
  declined.press('Enter');
  screen = await declined.waitFor(/EXIT=\d+/);
  declined.close();
  assert.match(screen, /cancelled; nothing was changed/);
  assert.match(screen, /EXIT=130/);
  assert.deepEqual(await names(env, 'other'), []);

  const accepted = await inTerminal(env, ['sync', '--from', 'local', '--to', 'local:other'], { width: 120 });
  await accepted.waitFor(/Sync 2 to create/);
  accepted.type('y');
  accepted.press('Enter');
  screen = await accepted.waitFor(/EXIT=\d+/);
  accepted.close();
  assert.match(screen, /created 2, updated 0 in store other of profile local/);
  assert.match(screen, /EXIT=0/);
  assert.ok(!screen.includes('terminal-value'), 'no value on the screen');
  assert.deepEqual((await names(env, 'other')).sort(), ['API_KEY', 'DB_PASSWORD']);
});

test('bindings --write on a terminal shows the diff, asks, and writes on "yes"', { skip: skipWithoutTmux }, async () => {
  const env = await userWithStores();
  const file = join(tempDir(), 'wrangler.toml');
  const original = '# the Worker\nname = "shop"\n';
  writeFileSync(file, original);
  const pane = await inTerminal(env, ['bindings', '--write', file], { width: 120, height: 40 });
  let screen = await pane.waitFor(/Write these changes to .*wrangler\.toml\?/);
  assert.match(screen, /^\+\[\[secrets_store_secrets\]\]$/m);
  assert.match(screen, /^\+binding = "DB_PASSWORD"$/m);
  assert.equal(readFileSync(file, 'utf8'), original, 'nothing is written before the answer');
  pane.type('y');
  pane.press('Enter');
  screen = await pane.waitFor(/EXIT=\d+/);
  pane.close();
  assert.match(screen, /EXIT=0/);
  const written = readFileSync(file, 'utf8');
  assert.ok(written.startsWith(original), 'the comment and the other keys are kept');
  assert.match(written, /secret_name = "API_KEY"/);
});
