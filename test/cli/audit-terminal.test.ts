/**
 * The audit commands on a real terminal (tmux): the table fits 80 columns with ids whole, `server audit prune` asks
 * and "no" changes nothing, and Ctrl-C ends `audit --follow` with 130.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv } from '../helpers/env.ts';
import { inTerminal, skipWithoutTmux as skip } from '../helpers/terminal.ts';

async function withTrail(): Promise<NodeJS.ProcessEnv> {
  const env = isolatedEnv();
  for (const name of ['A_RATHER_LONG_SECRET_NAME_FOR_THE_TABLE', 'SHORT']) {
    const put = await runCli(['secrets', 'put', name], { env, input: 'some-value' });
    assert.equal(put.code, 0, put.stderr);
  }
  const patch = await runCli(['secrets', 'patch', 'SHORT', '--comment', 'a comment', '--scopes', 'workers,dex'], { env });
  assert.equal(patch.code, 0, patch.stderr);
  return env;
}

async function trailIds(env: NodeJS.ProcessEnv): Promise<number[]> {
  const result = await runCli(['audit', '--json'], { env });
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as Array<{ id: number }>).map((e) => e.id);
}

test('sstore audit on an 80-column terminal: every line fits, ids whole, times relative', { skip }, async () => {
  const env = await withTrail();
  const ids = JSON.parse((await runCli(['audit', '--json'], { env })).stdout) as Array<{ secret_id: string | null; store_id: string }>;
  const term = await inTerminal(env, ['audit'], { width: 80, height: 24 });
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /EXIT=0/);
  const lines = screen.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('EXIT='));
  assert.match(lines[0]!, /^#\s+TIME\s+ACTOR\s+ACTION\s+NAME\s+ID\s+DETAIL$/);
  assert.equal(lines.length, 1 + ids.length);
  for (const line of lines) assert.ok(line.length <= 80, `wider than the terminal: ${line}`);
  for (const [i, entry] of ids.entries()) assert.ok(lines[i + 1]!.includes(entry.secret_id ?? entry.store_id), `id cut in: ${lines[i + 1]}`);
  assert.match(lines[1]!, /just now|seconds? ago|minutes? ago/);
  assert.match(lines.at(-1)!, /secret\.update/);
});

test('server audit prune asks on a terminal; "no" is exit 130 and prunes nothing', { skip }, async () => {
  const env = await withTrail();
  const before = await trailIds(env);
  const term = await inTerminal(env, ['server', 'audit', 'prune', '--before', '1s']);
  await term.waitFor(/Delete the audit entries older than .*\?/);
  term.type('n');
  term.press('Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /EXIT=130/);
  assert.match(screen, /cancelled; nothing was changed/);
  assert.deepEqual(await trailIds(env), before);
});

test('Ctrl-C ends sstore audit --follow on a terminal with exit 130', { skip }, async () => {
  const env = await withTrail();
  const term = await inTerminal(env, ['audit', '--follow'], { width: 160, height: 24 });
  await term.waitFor(/secret\.update/);
  const put = await runCli(['secrets', 'put', 'LATER'], { env, input: 'later-value' });
  assert.equal(put.code, 0, put.stderr);
  await term.waitFor(/secret\.create\s+LATER/);
  term.press('C-c');
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /EXIT=130/);
  assert.doesNotMatch(screen, /some-value|later-value|error/);
});
