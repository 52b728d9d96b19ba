import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, ROOT, tempDir } from '../helpers/env.ts';
import { inTerminal, skipWithoutTmux as skip } from '../helpers/terminal.ts';

// `sstore run --mask` in a real terminal (a tmux pane, 80 columns): the child gets a pseudo-terminal of its own,
// sstore masks what the child writes there.
const FIXTURES = join(ROOT, 'test', 'fixtures', 'run');
const node = (script: string, ...args: string[]) => [process.execPath, join(FIXTURES, script), ...args];

async function withSecrets(secrets: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const env = isolatedEnv();
  for (const [name, value] of Object.entries(secrets)) {
    const put = await runCli(['secrets', 'put', name], { env, input: value });
    assert.equal(put.code, 0, put.stderr);
  }
  return env;
}

// After sstore: the terminal's line editing and echo are back on (sstore had put it in raw mode).
const TERMINAL_STATE = ["printf 'TERMINAL: '; stty -a | tr ' ;' '\\n\\n' | grep -x -e '-\\?icanon' -e '-\\?echo' -e '-\\?opost' | tr '\\n' ' '; echo END"];
const RESTORED = /^TERMINAL: opost icanon echo END$/m;
const DONE = /^TERMINAL: .*END$/m;

test('--mask on a terminal: grep keeps its colours and prints each line as it comes, masked; the terminal is restored', { skip }, async () => {
  const env = await withSecrets({ TOKEN: 'hunter2-sëcret' });
  const term = await inTerminal(env, ['run', '--mask', '--', 'sh', '-c', 'echo ready; exec grep --color=auto token'], { after: TERMINAL_STATE });
  await term.waitFor(/^ready$/m); // typed any earlier, the outer terminal would still echo it itself, unmasked
  term.type('a token hunter2-sëcret here');
  term.press('Enter');
  // Into a pipe, grep writes in blocks, held until it exits, and without colour. On a terminal: each line at once,
  // with the match in colour, while grep still waits for more input.
  const live = await term.waitFor(/(\x1b\[[\d;]*m)+token(\x1b\[[\d;]*m)+ \*\*\*\*\* here/, { escapes: true });
  assert.doesNotMatch(live, /EXIT=/, 'grep is still running');
  assert.equal(term.screen().match(/^a token \*\*\*\*\* here$/gm)?.length, 2, 'the typed line (echoed by the terminal) and grep\'s line, both masked');
  term.press('C-d');
  const screen = await term.waitFor(DONE);
  term.close();
  assert.match(screen, /^EXIT=0$/m);
  assert.match(screen, RESTORED);
  assert.doesNotMatch(screen, /hunter2/);
});

test('--mask on a terminal: the child sees a terminal of the window\'s size, and each resize; Ctrl-C ends it with 130', { skip }, async () => {
  const env = await withSecrets({ TOKEN: 'hunter2-sëcret' });
  const term = await inTerminal(env, ['run', '--mask', '--', ...node('terminal-child.mjs')], { after: TERMINAL_STATE });
  await term.waitFor(/^terminal size=80x\d+ token=\*\*\*\*\*$/m);
  term.resize(100, 30);
  await term.waitFor(/^resized size=100x\d+$/m);
  term.press('C-c');
  const screen = await term.waitFor(DONE);
  term.close();
  assert.match(screen, /EXIT=130$/m, 'Ctrl-C went through the child\'s terminal and ended it with SIGINT');
  assert.match(screen, RESTORED);
});

test('--mask on a terminal: signals sent to sstore reach the child; exit codes as without a terminal', { skip }, async () => {
  const env = await withSecrets({ TOKEN: 'hunter2-sëcret' });
  for (const [mode, expected] of [['handle', /^got SIGTERM\nEXIT=40$/m], ['die', /^EXIT=143$/m]] as const) {
    const term = await inTerminal(env, ['run', '--mask', '--', ...node('signals.mjs', mode)], { after: TERMINAL_STATE });
    await term.waitFor(/^ready$/m);
    process.kill(term.sstorePid(), 'SIGTERM');
    const screen = await term.waitFor(DONE);
    term.close();
    assert.match(screen, expected, mode);
    assert.match(screen, RESTORED, mode);
  }
});

test('--mask on a terminal: the child\'s exit code; 127 for a missing command, 126 for one that cannot run', { skip }, async () => {
  const env = await withSecrets({ TOKEN: 'hunter2-sëcret' });
  const dir = tempDir();
  const notExecutable = join(dir, 'not-executable.sh');
  writeFileSync(notExecutable, 'echo never\n');
  chmodSync(notExecutable, 0o644);
  for (const [command, expected] of [
    [['sh', '-c', 'echo "$TOKEN"; exit 42'], /^\*\*\*\*\*\nEXIT=42$/m],
    [['sstore-no-such-command-xyz'], /^error: command not found: sstore-no-such-command-xyz\nEXIT=127$/m],
    [[notExecutable], /^error: cannot run .*not-executable\.sh: EACCES\nEXIT=126$/m],
  ] as const) {
    const term = await inTerminal(env, ['run', '--mask', '--', ...command], { after: TERMINAL_STATE });
    const screen = await term.waitFor(DONE);
    term.close();
    assert.match(screen, expected);
    assert.match(screen, RESTORED);
  }
});

test('--mask on a terminal: a multi-line value is hidden whole, a short line of it included', { skip }, async () => {
  const env = await withSecrets({ PEM: 'first-line\nab\nlast-line' });
  const term = await inTerminal(env, ['run', '--mask', '--', 'sh', '-c', 'printf "pem:%s:end\\n" "$PEM"']);
  const screen = await term.waitFor(/EXIT=/);
  term.close();
  assert.match(screen, /^pem:\*\*\*\*\*:end\nEXIT=0$/m);
});

test('--mask on a terminal: output reaches the screen as the child\'s terminal made it, not translated twice', { skip }, async () => {
  // A full-screen program turns output processing off and moves the cursor down with a bare \n (same column).
  const env = await withSecrets({ TOKEN: 'hunter2-sëcret' });
  const term = await inTerminal(env, ['run', '--mask', '--', 'sh', '-c', 'stty -opost; printf "abc\\ndef\\r\\n"; stty opost']);
  const screen = await term.waitFor(/EXIT=/);
  term.close();
  assert.match(screen, /^abc\n {3}def\nEXIT=0$/m);
});

test('--mask on a terminal without the pseudo-terminal binding: one notice, then pipes, still masked', { skip }, async () => {
  // A copy of the installed CLI whose node_modules lacks @lydell/node-pty (as with --omit=optional on an
  // unsupported platform, or a build that cannot load native addons).
  const install = tempDir();
  cpSync(join(ROOT, 'dist'), join(install, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(install, 'bin'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(install, 'package.json'));
  mkdirSync(join(install, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@lydell') symlinkSync(join(ROOT, 'node_modules', entry), join(install, 'node_modules', entry));
  }
  const env = await withSecrets({ TOKEN: 'hunter2-sëcret' });
  const term = await inTerminal(env, ['run', '--mask', '--', 'sh', '-c', 'test -t 1 && echo "terminal $TOKEN" || echo "pipe $TOKEN"'], {
    bin: join(install, 'bin', 'sstore.js'),
    after: TERMINAL_STATE,
  });
  const screen = await term.waitFor(DONE);
  term.close();
  assert.match(screen, /^sstore: @lydell\/node-pty did not load; --mask output goes through a pipe\npipe \*\*\*\*\*\nEXIT=0$/m);
  assert.match(screen, RESTORED);
});
