import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv } from '../helpers/env.ts';
import { inTerminal as pane, skipWithoutTmux as skip } from '../helpers/terminal.ts';

const inTerminal = (env: NodeJS.ProcessEnv, args: string[]) => pane(env, args, { width: 160, height: 40 });

test('put on a terminal asks twice, never echoes the value, and stores it exactly', { skip }, async () => {
  const env = isolatedEnv();
  const term = await inTerminal(env, ['secrets', 'put', 'PROMPTED']);
  await term.waitFor(/Value for PROMPTED/);
  term.type('pa$$ w0rd-échappé');
  term.press('Enter');
  await term.waitFor(/Again, to confirm/);
  term.type('pa$$ w0rd-échappé');
  term.press('Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /EXIT=0/);
  assert.match(screen, /created secret PROMPTED/);
  assert.doesNotMatch(screen, /w0rd/, 'the value never appears on the screen');
  const r = await runCli(['secrets', 'get', 'PROMPTED', '--reveal'], { env });
  assert.equal(r.stdout, 'pa$$ w0rd-échappé');
});

test('the hidden prompt never offers to show the value: no ctrl+t hint, and Ctrl-T shows nothing', { skip }, async () => {
  const env = isolatedEnv();
  const term = await inTerminal(env, ['secrets', 'put', 'PEEK']);
  const asked = await term.waitFor(/Value for PEEK/);
  assert.doesNotMatch(asked, /toggle|ctrl\+t/i, 'no offer to show the value');
  term.type('peekaboo-value');
  term.press('C-t');
  term.type('-end');
  // Nothing on the screen can say the keys have been read (that is the point): give them time to show, if they would.
  await sleep(1000);
  assert.doesNotMatch(term.screen(), /peekaboo|toggle|ctrl\+t/i, 'Ctrl-T shows nothing');
  term.press('Enter');
  await term.waitFor(/Again, to confirm/);
  term.press('C-t');
  term.type('peekaboo-value-end');
  term.press('Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.doesNotMatch(screen, /peekaboo|toggle|ctrl\+t/i);
  assert.match(screen, /EXIT=0/);
  assert.equal((await runCli(['secrets', 'get', 'PEEK', '--reveal'], { env })).stdout, 'peekaboo-value-end', 'Ctrl-T changed nothing in the value');
});

test('two different entries: nothing stored, exit 2', { skip }, async () => {
  const env = isolatedEnv();
  const term = await inTerminal(env, ['secrets', 'put', 'TYPO']);
  await term.waitFor(/Value for TYPO/);
  term.type('first');
  term.press('Enter');
  await term.waitFor(/Again/);
  term.type('second');
  term.press('Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /error: the two values differ; nothing was changed/);
  assert.match(screen, /EXIT=2/);
  assert.equal((await runCli(['secrets', 'list', '--json'], { env })).stdout.trim(), '[]');
});

test('rm asks for confirmation on a terminal; "no" keeps the secret (exit 130, as Ctrl-C there), "yes" deletes it', { skip }, async () => {
  const env = isolatedEnv();
  assert.equal((await runCli(['secrets', 'put', 'DOOMED'], { env, input: 'v' })).code, 0);
  const no = await inTerminal(env, ['secrets', 'rm', 'DOOMED']);
  await no.waitFor(/Delete secret DOOMED from store default\?/);
  no.type('n');
  no.press('Enter');
  assert.match(await no.waitFor(/EXIT=\d+/), /error: cancelled; nothing was changed\n[^]*EXIT=130/);
  no.close();
  assert.equal((await runCli(['secrets', 'list', '-q'], { env })).stdout, 'DOOMED\n');
  const yes = await inTerminal(env, ['secrets', 'rm', 'DOOMED']);
  await yes.waitFor(/Delete secret DOOMED/);
  yes.type('y');
  yes.press('Enter');
  assert.match(await yes.waitFor(/EXIT=\d+/), /EXIT=0/);
  yes.close();
  assert.equal((await runCli(['secrets', 'list', '-q'], { env })).stdout, '');
});

test('login on a terminal: hidden token prompt', { skip }, async () => {
  const env = { ...isolatedEnv(), DBUS_SESSION_BUS_ADDRESS: '' };
  assert.equal((await runCli(['profile', 'add', 'p', '--url', 'http://127.0.0.1:1/client/v4', '--account', 'abc'], { env })).code, 0);
  const term = await inTerminal(env, ['login', '--profile', 'p', '--timeout', '2']);
  await term.waitFor(/API token/);
  term.type('sekrit-token');
  term.press('Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.doesNotMatch(screen, /sekrit/);
  assert.match(screen, /EXIT=7/, 'the check request cannot reach port 1: nothing stored');
});
