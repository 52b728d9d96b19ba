import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Argument, Command, Option } from 'commander';
import { completeWords, formatCompletion, type Candidate } from '../../src/completion/candidates.ts';
import { completeWith } from '../../src/completion/kinds.ts';
import { createNameResolver, type NameSource } from '../../src/completion/names.ts';
import { tempDir } from '../helpers/env.ts';

/** A real source: names of the requested kind, one per line, from a file. */
function fileSource(file: string): NameSource {
  return async ({ kind, options }) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(`${kind}:`))
      .map((line) => ({ value: line.slice(kind.length + 1), description: options.store ? `in ${options.store}` : undefined }) as Candidate);
}

function tree(): Command {
  const program = new Command('sstore').option('--profile <name>').option('--json');
  const secrets = program.command('secrets').description('Manage secrets');
  secrets
    .command('get')
    .description('Show a secret')
    .addArgument(completeWith(new Argument('<name>'), 'secret'))
    .addOption(completeWith(new Option('--store <store>'), 'store'));
  secrets.command('rm').addArgument(completeWith(new Argument('<names...>'), 'secret'));
  program.command('import').argument('<file>').addOption(new Option('--format <format>').choices(['dotenv', 'json']));
  program.command('secret-hidden', { hidden: true });
  return program;
}

test('static candidates: subcommands, options (global ones too), choices, files', async () => {
  const program = tree();
  const values = async (...words: string[]) => (await completeWords(program, words)).candidates.map((c) => c.value);
  assert.deepEqual(await values('se'), ['secrets']);
  assert.deepEqual(await values('secrets', ''), ['get', 'rm', 'help']);
  assert.deepEqual(await values('secrets', 'get', '--'), ['--store', '--help', '--profile', '--json']);
  assert.deepEqual(await values('import', 'x', '--format', ''), ['dotenv', 'json']);
  assert.deepEqual(await values('import', '--format=j'), ['--format=json']);
  assert.equal((await completeWords(program, ['import', ''])).directive, 'files');
  assert.deepEqual(await values('--profile', 'p', 'secrets', 'g'), ['get']);
});

test('names come from the resolver, with the options typed so far; without one there are none', async () => {
  const program = tree();
  const file = join(tempDir(), 'names');
  writeFileSync(file, 'secret:API_KEY\nsecret:DB_URL\nstore:prod\nstore:staging\n');
  const resolver = createNameResolver(fileSource(file), { dir: tempDir() });
  assert.deepEqual((await completeWords(program, ['secrets', 'get', '--store', 'prod', 'A'], resolver)).candidates, [{ value: 'API_KEY', description: 'in prod' }]);
  assert.deepEqual((await completeWords(program, ['secrets', 'get', '--store', 's'], resolver)).candidates.map((c) => c.value), ['staging']);
  assert.deepEqual((await completeWords(program, ['secrets', 'rm', 'A', 'B', ''], resolver)).candidates.map((c) => c.value), ['API_KEY', 'DB_URL']);
  assert.deepEqual((await completeWords(program, ['secrets', 'get', ''])).candidates, []);
});

test('the protocol: value<TAB>description for zsh and fish, values only for bash, directive last', () => {
  const completion = { candidates: [{ value: 'a', description: 'first\nline' }, { value: 'b' }, { value: 'bad\nvalue' }], directive: 'files' as const };
  assert.equal(formatCompletion(completion, 'zsh'), 'a\tfirst line\nb\n:files\n');
  assert.equal(formatCompletion(completion, 'bash'), 'a\nb\n:files\n');
});

test('the cache answers without asking again until it expires, and its file is private', async () => {
  const dir = tempDir();
  const file = join(tempDir(), 'names');
  writeFileSync(file, 'store:one\n');
  let clock = 1_000_000;
  const resolve = createNameResolver(fileSource(file), { dir, ttlMs: 30_000, now: () => clock });
  const request = { kind: 'store', command: [], options: {} };
  assert.deepEqual((await resolve(request)).map((c) => c.value), ['one']);
  writeFileSync(file, 'store:two\n');
  clock += 10_000;
  assert.deepEqual((await resolve(request)).map((c) => c.value), ['one']);
  clock += 30_000;
  assert.deepEqual((await resolve(request)).map((c) => c.value), ['two']);
  const [cacheFile] = readdirSync(dir);
  assert.equal(statSync(join(dir, cacheFile!)).mode & 0o777, 0o600);
  assert.deepEqual((await resolve({ ...request, options: { profile: 'other' } })).map((c) => c.value), ['two']);
  assert.equal(readdirSync(dir).length, 2, 'each set of options has its own cache entry');
});

test('past the deadline the source is aborted and the last answer (or nothing) is returned; errors never escape', async () => {
  const dir = tempDir();
  const file = join(tempDir(), 'names');
  writeFileSync(file, 'store:cached\n');
  let clock = 0;
  let slow = false;
  let aborted = false;
  // A real slow source: a child process that would take 30 s, killed when the signal aborts.
  const source: NameSource = async (request) => {
    if (!slow) return fileSource(file)(request);
    const child = spawn('sleep', ['30']);
    request.signal.addEventListener('abort', () => {
      aborted = true;
      child.kill();
    });
    await new Promise((resolve) => child.on('close', resolve));
    return [{ value: 'too-late' }];
  };
  const resolve = createNameResolver(source, { dir, ttlMs: 1000, deadlineMs: 200, staleMs: 60_000, now: () => clock });
  const request = { kind: 'store', command: [], options: {} };
  assert.deepEqual((await resolve(request)).map((c) => c.value), ['cached']);
  slow = true;
  clock += 5000;
  assert.deepEqual((await resolve(request)).map((c) => c.value), ['cached'], 'stale answer after a timeout');
  assert.ok(aborted, 'the source was told to stop');
  clock += 120_000;
  assert.deepEqual(await resolve(request), [], 'too old to use');
  const failing = createNameResolver(fileSource(join(dir, 'missing')), { dir: tempDir() });
  assert.deepEqual(await failing(request), []);
});
