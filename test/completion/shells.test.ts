import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { BIN, isolatedEnv, ROOT, tempDir } from '../helpers/env.ts';

// The checked-in scripts, loaded into real bash, zsh and fish, with `sstore` on PATH running this checkout.
const COMPLETIONS = join(ROOT, 'completions');
const bin = tempDir('sstore-bin-');
writeFileSync(join(bin, 'sstore'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
chmodSync(join(bin, 'sstore'), 0o755);
const env = isolatedEnv({ PATH: `${bin}:${process.env.PATH}` });
// A working directory with one folder and one file, for path completion.
const cwd = tempDir('sstore-cwd-');
mkdirSync(join(cwd, 'mydir'));
writeFileSync(join(cwd, 'myfile.txt'), '');

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { env, cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `${command} failed: ${result.stderr}`);
  return result.stdout;
}

/** bash: call the completion function with COMP_WORDS/COMP_CWORD set as readline would, print COMPREPLY. */
function bash(line: string): string[] {
  const script = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _sstore_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  // readline splits `--opt=value` into three words on COMP_WORDBREAKS; a trailing space starts an empty word.
  const words = line.replace(/=/g, ' = ').split(/ +/);
  return values(run('bash', ['-c', script, 'bash', join(COMPLETIONS, 'sstore.bash'), ...words]));
}

/** zsh: a real interactive zsh in a pseudo-terminal presses TAB; the harness prints what compadd was given. */
function zsh(line: string): string[] {
  return values(run('zsh', ['-f', join(ROOT, 'test', 'completion', 'zsh-capture.zsh'), join(COMPLETIONS, '_sstore'), line]));
}

/** fish: `complete --do-complete` prints the candidates fish would show. */
function fish(line: string): string[] {
  return values(run('fish', ['--no-config', '-c', 'source $argv[1]; complete --do-complete $argv[2]', join(COMPLETIONS, 'sstore.fish'), line]));
}

function values(output: string): string[] {
  return [...new Set(output.split('\n').map((l) => l.split(/\t| -- /)[0]!.trim()).filter(Boolean))].sort();
}

const SHELLS = { bash, zsh, fish };

const CASES: Array<[string, string[]]> = [
  ['sstore ser', ['server']],
  ['sstore server st', ['start']],
  ['sstore server to', ['token']],
  ['sstore server token ', ['create', 'help', 'list', 'revoke']],
  ['sstore server start --li', ['--limits']],
  ['sstore server start --limits ', ['cloudflare', 'default']],
  ['sstore server start --limits c', ['cloudflare']],
  ['sstore server start --verb', ['--verbose']],
  ['sstore comp', ['completion']],
  ['sstore completion ', ['bash', 'fish', 'zsh']],
  // A fixed set of values completes those values, never the folders of the working directory.
  ['sstore secrets list --direction ', ['asc', 'desc']],
  ['sstore secrets list --order m', ['modified']],
  ['sstore profile add p --provider ', ['cloudflare', 'neostore', 'sgp']],
  ['sstore sy', ['sync']],
  ['sstore sync --pru', ['--prune']],
  ['sstore sync --from ', ['local']],
  ['sstore bin', ['bindings']],
  ['sstore bindings --binding-case ', ['as-is', 'camel', 'upper']],
  ['sstore bindings --format ', ['jsonc', 'toml']],
  ['sstore aud', ['audit']],
  ['sstore audit --act', ['--action', '--actor']],
  ['sstore audit --action secret.r', ['secret.reveal', 'secret.rollback']],
  ['sstore audit --fol', ['--follow']],
  ['sstore server au', ['audit']],
  ['sstore server audit ', ['prune', 'verify']],
  ['sstore server audit --si', ['--since']],
  ['sstore server audit prune --be', ['--before']],
  ['sstore server start --keep', ['--keep-versions']],
  ['sstore secrets hi', ['history']],
  ['sstore secrets rol', ['rollback']],
  ['sstore secrets rollback DB --t', ['--timeout', '--to']],
  ['sstore secrets get DB --version ', []],
  ['sstore secrets get DB --rev', ['--reveal']],
]

for (const [shell, complete] of Object.entries(SHELLS)) {
  test(`${shell}: commands, subcommands, options and option choices complete from the command tree`, () => {
    for (const [line, expected] of CASES) assert.deepEqual(complete(line), expected, `${shell}: ${JSON.stringify(line)}`);
  });

  test(`${shell}: an option that takes a folder completes folders`, () => {
    const offered = complete('sstore server start --data my');
    assert.ok(offered.some((c) => c.startsWith('mydir')), `${shell}: ${JSON.stringify(offered)}`);
    assert.ok(!offered.some((c) => c.startsWith('myfile')), `${shell}: ${JSON.stringify(offered)}`);
  });
}

test('bash: --opt=value completes the value after the =', () => {
  assert.deepEqual(bash('sstore server start --limits=c'), ['cloudflare']);
});

test('zsh and fish show descriptions', () => {
  assert.match(run('fish', ['--no-config', '-c', 'source $argv[1]; complete --do-complete "sstore ser"', join(COMPLETIONS, 'sstore.fish')]), /^server\tRun and administer the local API server$/m);
  assert.match(run('zsh', ['-f', join(ROOT, 'test', 'completion', 'zsh-capture.zsh'), join(COMPLETIONS, '_sstore'), 'sstore ser']), /server -- Run and administer the local API server/);
});

test('the scripts in completions/ are what `sstore completion <shell>` prints (regenerate them if this fails)', async () => {
  for (const [shell, file] of [['bash', 'sstore.bash'], ['zsh', '_sstore'], ['fish', 'sstore.fish']] as const) {
    const result = await runCli(['completion', shell], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, readFileSync(join(COMPLETIONS, file), 'utf8'), `completions/${file} is stale: node bin/sstore.js completion ${shell} > completions/${file}`);
  }
});

test('`sstore completion` refuses an unknown shell with a usage error', async () => {
  const result = await runCli(['completion', 'tcsh'], { env });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /tcsh/);
});

test('__complete never fails: odd input gives no candidates, nothing on stderr, exit 0', async () => {
  for (const args of [[], ['bash'], ['nosuch', '--', '--x='], ['bash', '--', 'server', 'start', '--port'], ['zsh', '--', '--help'], ['fish', '--', 'nope', 'nope', '']]) {
    const result = await runCli(['__complete', ...args], { env });
    assert.equal(result.code, 0, JSON.stringify(args));
    assert.equal(result.stderr, '', JSON.stringify(args));
    assert.match(result.stdout, /:(default|files|dirs)\n$/, JSON.stringify(args));
  }
});

test('__complete is hidden from help', async () => {
  const result = await runCli(['--help'], { env });
  assert.doesNotMatch(result.stdout, /__complete/);
  assert.match(result.stdout, /completion/);
});
