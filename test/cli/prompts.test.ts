import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../helpers/cli.ts';
import { BIN, isolatedEnv, tempDir } from '../helpers/env.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `sstore-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
if (hasTmux) after(() => void spawnSync('tmux', ['-L', socket, 'kill-server']));

/** Runs sstore in a real pseudo-terminal (a tmux pane) for a person to answer; no CI variable there. */
async function inTerminal(env: NodeJS.ProcessEnv, args: string[]) {
  const dir = tempDir();
  const script = join(dir, 'run.sh');
  const exports = Object.entries({ ...env, CI: undefined, NO_COLOR: '1' })
    .filter(([k, v]) => v !== undefined && /^[A-Z_][A-Z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}='${String(v).replaceAll("'", "'\\''")}'`);
  writeFileSync(script, ['unset CI', ...exports, `'${process.execPath}' '${BIN}' ${args.map((a) => `'${a}'`).join(' ')}`, 'echo "EXIT=$?"', 'sleep 60'].join('\n'));
  const name = `s${Math.random().toString(36).slice(2, 8)}`;
  tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '40', `sh ${script}`);
  const screen = () => tmux('capture-pane', '-p', '-t', name, '-S', '-100');
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 300; i++) {
      const text = screen();
      if (pattern.test(text)) return text;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${pattern}; screen:\n${screen()}`);
  };
  return {
    waitFor,
    type: (text: string) => tmux('send-keys', '-t', name, '-l', text),
    enter: () => tmux('send-keys', '-t', name, 'Enter'),
    close: () => tmux('kill-session', '-t', name),
  };
}

const skip = hasTmux ? false : 'tmux is not installed';

test('put on a terminal asks twice, never echoes the value, and stores it exactly', { skip }, async () => {
  const env = isolatedEnv();
  const term = await inTerminal(env, ['secrets', 'put', 'PROMPTED']);
  await term.waitFor(/Value for PROMPTED/);
  term.type('pa$$ w0rd-échappé');
  term.enter();
  await term.waitFor(/Again, to confirm/);
  term.type('pa$$ w0rd-échappé');
  term.enter();
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /EXIT=0/);
  assert.match(screen, /created secret PROMPTED/);
  assert.doesNotMatch(screen, /w0rd/, 'the value never appears on the screen');
  const r = await runCli(['secrets', 'get', 'PROMPTED', '--reveal'], { env });
  assert.equal(r.stdout, 'pa$$ w0rd-échappé');
});

test('two different entries: nothing stored, exit 2', { skip }, async () => {
  const env = isolatedEnv();
  const term = await inTerminal(env, ['secrets', 'put', 'TYPO']);
  await term.waitFor(/Value for TYPO/);
  term.type('first');
  term.enter();
  await term.waitFor(/Again/);
  term.type('second');
  term.enter();
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
  no.enter();
  assert.match(await no.waitFor(/EXIT=\d+/), /error: cancelled; nothing was changed\n[^]*EXIT=130/);
  no.close();
  assert.equal((await runCli(['secrets', 'list', '-q'], { env })).stdout, 'DOOMED\n');
  const yes = await inTerminal(env, ['secrets', 'rm', 'DOOMED']);
  await yes.waitFor(/Delete secret DOOMED/);
  yes.type('y');
  yes.enter();
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
  term.enter();
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.doesNotMatch(screen, /sekrit/);
  assert.match(screen, /EXIT=7/, 'the check request cannot reach port 1: nothing stored');
});
