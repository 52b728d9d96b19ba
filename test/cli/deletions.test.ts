import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { hasTmux, inTerminal } from '../helpers/terminal.ts';

const skip = hasTmux ? false : 'tmux is not installed';

async function storeWith(env: NodeJS.ProcessEnv, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `S_${String(i).padStart(3, '0')}`);
  const file = join(tempDir(), 'many.env');
  writeFileSync(file, names.map((n) => `${n}=v`).join('\n'));
  const r = await runCli(['import', file], { env });
  assert.equal(r.code, 0, r.stderr);
  return names;
}

test('rm names every unknown name (a few looked up one by one, or many from the list), and deletes nothing', async () => {
  const env = isolatedEnv();
  const names = await storeWith(env, 8);
  const few = await runCli(['secrets', 'rm', 'S_000', 'NOPE1', 'NOPE2', '--yes'], { env });
  assert.equal(few.code, 3);
  assert.match(few.stderr, /^error: no secrets named "NOPE1", "NOPE2" in store "default"\n/);
  const many = await runCli(['secrets', 'rm', ...names.slice(0, 6), 'NOPE1', 'NOPE2', '--yes'], { env });
  assert.equal(many.code, 3);
  assert.match(many.stderr, /^error: no secrets named "NOPE1", "NOPE2" in store "default"\n/);
  assert.equal((await runCli(['secrets', 'list', '-q'], { env })).stdout.trim().split('\n').length, 8, 'nothing deleted');
});

test('rm of 250 names asks with a count on one line, and says what it deleted the same way', { skip }, async () => {
  const env = isolatedEnv();
  const names = await storeWith(env, 250);
  const term = await inTerminal(env, ['secrets', 'rm', ...names], { width: 200, height: 40 });
  const asked = await term.waitFor(/Delete 250 secrets .* from store default\?/);
  assert.match(asked, /Delete 250 secrets \(S_000, S_001, S_002, S_003, S_004 and 245 more\) from store default\?/);
  assert.doesNotMatch(asked, /S_100/);
  term.type('y');
  term.press('Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /deleted 250 secrets \(S_000, S_001, S_002, S_003, S_004 and 245 more\) from store default/);
  assert.match(screen, /EXIT=0/);
  assert.equal((await runCli(['secrets', 'list', '-q'], { env })).stdout, '');
});

test('stores delete of a store that holds secrets says so before asking (exit 5, nothing deleted)', { skip }, async () => {
  const env = isolatedEnv();
  assert.equal((await runCli(['stores', 'create', 'full'], { env })).code, 0);
  assert.equal((await runCli(['secrets', 'put', 'KEEP', '--store', 'full'], { env, input: 'v' })).code, 0);
  const term = await inTerminal(env, ['stores', 'delete', 'full']);
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.doesNotMatch(screen, /Delete store/, 'no question for a deletion that cannot happen');
  assert.match(screen, /error: store full still holds secrets; nothing was deleted\nhint: pass --force to delete it with its secrets\nEXIT=5/);
  const forced = await inTerminal(env, ['stores', 'delete', 'full', '--force']);
  await forced.waitFor(/Delete store full and the secret in it\?/);
  forced.type('y');
  forced.press('Enter');
  const done = await forced.waitFor(/EXIT=\d+/);
  forced.close();
  assert.match(done, /deleted store full\nEXIT=0/);
});
