import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv } from '../helpers/env.ts';
import { hasTmux, inTerminal } from '../helpers/terminal.ts';

// What a person sees in an 80-column terminal (a real tmux pane): nothing runs past the right edge.
const skip = hasTmux ? false : 'tmux is not installed';
const SIZE = { width: 80, height: 50 };

const HELP = [
  [], ['secrets'], ['secrets', 'put'], ['secrets', 'list'], ['secrets', 'rm'], ['stores', 'delete'], ['profile', 'add'], ['profile', 'set'],
  ['run'], ['export'], ['import'], ['server', 'start'], ['server', 'token', 'create'], ['completion'],
];

function tooWide(screen: string): string[] {
  return screen.split('\n').filter((line) => [...line.trimEnd()].length > SIZE.width);
}

test('help fits 80 columns: descriptions wrap, long examples continue with a backslash', { skip }, async () => {
  for (const args of HELP) {
    const term = await inTerminal(isolatedEnv(), [...args, '--help'], SIZE);
    const screen = await term.waitFor(/EXIT=\d+/);
    term.close();
    assert.match(screen, /EXIT=0/, args.join(' '));
    assert.deepEqual(tooWide(screen), [], `sstore ${args.join(' ')} --help`);
  }
  const term = await inTerminal(isolatedEnv(), ['secrets', 'put', '--help'], SIZE);
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /^ {2}# from stdin \(one trailing newline is dropped\)\n {2}\$ printf %s "\$TOKEN" \| sstore secrets put API_TOKEN$/m);
});

test('a table fits 80 columns: the widest column is cut with …; --json and a pipe keep every value whole', { skip }, async () => {
  const env = isolatedEnv();
  const comment = `deploy key for the production cluster in eu-west, rotated monthly by the platform team (ticket OPS-1234)`;
  assert.equal((await runCli(['secrets', 'put', 'DEPLOY_KEY', '--comment', comment], { env, input: 'v' })).code, 0);
  assert.equal((await runCli(['secrets', 'put', 'SHORT'], { env, input: 'v' })).code, 0);
  const term = await inTerminal(env, ['secrets', 'list'], SIZE);
  const screen = await term.waitFor(/EXIT=\d+/);
  term.close();
  assert.match(screen, /EXIT=0/);
  assert.deepEqual(tooWide(screen), []);
  const row = screen.split('\n').find((line) => line.startsWith('DEPLOY_KEY'));
  assert.ok(row, screen);
  assert.match(row, / {2}deploy key for[^…]*…/);
  assert.ok(!row.includes('OPS-1234'), row);
  assert.match(row, /\b[0-9a-f]{32}\b/, 'the id column is whole: the widest column gave up the space');
  const piped = await runCli(['secrets', 'list'], { env });
  assert.ok(piped.stdout.includes(comment), 'piped: whole');
  const json = JSON.parse((await runCli(['secrets', 'list', '--json'], { env })).stdout) as Array<{ comment: string }>;
  assert.ok(json.some((s) => s.comment === comment), '--json: whole');
});
