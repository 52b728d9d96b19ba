import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatGithub } from '../../src/formats/github.ts';
import { formatJson, parseJsonEntries } from '../../src/formats/json.ts';
import { renameEntries, upperSnake } from '../../src/formats/names.ts';
import { appendPrivateFile, writePrivateFile } from '../../src/formats/private-file.ts';
import { renderExport } from '../../src/formats/export.ts';
import { EXPORT_FORMATS } from '../../src/formats/types.ts';
import { formatShell } from '../../src/formats/shell.ts';
import { describeProblem } from '../../src/formats/types.ts';
import { formatYaml } from '../../src/formats/yaml.ts';
import { tempDir } from '../helpers/env.ts';
import { readGithubEnv, readMasks } from '../helpers/github-env.ts';
import { NASTY_VALUES } from '../helpers/nasty-values.ts';

const ENTRIES = NASTY_VALUES.map((value, i) => ({ name: `V${i}`, value }));

test('shell: every nasty value survives eval in real bash and in sh', () => {
  const dir = tempDir();
  for (const shell of ['bash', 'sh']) {
    for (const { name, value } of ENTRIES) {
      const file = join(dir, 'env.sh');
      writeFileSync(file, formatShell([{ name, value }]));
      const run = spawnSync(shell, ['-c', `eval "$(cat "$1")"; printf %s "$${name}"`, shell, file], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, value, `${shell}: ${JSON.stringify(value)}`);
    }
  }
});

test('shell: the output is export lines, single-quoted', () => {
  assert.equal(formatShell([{ name: 'A', value: "it's $HOME" }]), `export A='it'\\''s $HOME'\n`);
  assert.throws(() => formatShell([{ name: 'A', value: 'nul\0byte' }]), /NUL/);
  assert.throws(() => formatShell([{ name: 'bad-name', value: 'x' }]), /secret "bad-name" is not a shell variable name/);
});

test('github: $GITHUB_ENV read the way the runner reads it gives back every value exactly', () => {
  const { envFile } = formatGithub([...ENTRIES, { name: 'TRAP', value: 'x\nghadelimiter_0000\ny' }]);
  const env = readGithubEnv(envFile);
  for (const { name, value } of ENTRIES) assert.equal(env.get(name), value, JSON.stringify(value));
  assert.equal(env.get('TRAP'), 'x\nghadelimiter_0000\ny');
  assert.equal(env.size, ENTRIES.length + 1);
});

test('github: every non-blank line of every value gets an ::add-mask:: command, escaped as @actions/core does', () => {
  const { commands } = formatGithub(ENTRIES);
  const masks = new Set(readMasks(commands));
  for (const { value } of ENTRIES) {
    for (const line of value.split(/\r\n|\r|\n/)) if (line.trim() !== '') assert.ok(masks.has(line), `unmasked line ${JSON.stringify(line)}`);
  }
  for (const line of commands.trimEnd().split('\n')) assert.match(line, /^::add-mask::[^\r]+$/);
  assert.ok(commands.includes('::add-mask::%25percent%250A%2525\n'));
});

test('github: a multi-line value uses a random delimiter, a single-line one NAME=value', () => {
  const { envFile } = formatGithub([{ name: 'ONE', value: 'a=b' }, { name: 'TWO', value: 'a\nb' }]);
  assert.match(envFile, /^ONE=a=b\nTWO<<(ghadelimiter_[0-9a-f]{32})\na\nb\n\1\n$/);
  const again = formatGithub([{ name: 'TWO', value: 'a\nb' }]).envFile;
  assert.notEqual(again.split('\n')[0], envFile.split('\n')[1]);
});

test('json: an object name → value that JSON.parse reads back, __proto__ included', () => {
  const entries = [...ENTRIES, { name: '__proto__', value: 'still a key' }];
  const back = JSON.parse(formatJson(entries)) as Record<string, string>;
  assert.deepEqual(Object.entries(back), entries.map((e) => [e.name, e.value]));
});

test('yaml: a real YAML 1.1 parser (PyYAML safe_load) reads every value back as the same string', (t) => {
  const probe = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('python3 with PyYAML is not installed');
    return;
  }
  const tricky = [
    ...ENTRIES,
    ...['yes', 'no', 'on', 'off', 'true', 'null', '~', '1e3', '0x1F', '012', '2026-11-23', '- item', '? key', ': x', '&anchor', '*alias', '!tag', '{a: 1}', '[1]', '|', '>', '%YAML', '---', '...', 'a: b', 'del\u007f', 'c1\u0085nel', 'bom\ufeff'].map((value, i) => ({ name: `T${i}`, value })),
    { name: 'y', value: 'key that YAML 1.1 reads as a boolean' },
  ];
  const dir = tempDir();
  const file = join(dir, 'x.yaml');
  writeFileSync(file, formatYaml(tricky));
  const run = spawnSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))))', file], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), Object.fromEntries(tricky.map((e) => [e.name, e.value])));
  assert.equal(formatYaml([]), '{}\n');
});

test('json input: an object of strings is read with the line of each name', () => {
  const result = parseJsonEntries('{\n  "A": "1",\n  "B": "two\\nlines"\n}\n', 'in.json');
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.entries, [{ name: 'A', value: '1', line: 2 }, { name: 'B', value: 'two\nlines', line: 3 }]);
});

test('json input: every problem is reported with its line, without quoting the file', () => {
  const text = '{\n  "GOOD": "x",\n  "NUM": 42,\n  "my-name.2": "v",\n  "NESTED": {"A": "s3cret"},\n  "GOOD": "again",\n  "NIL": null\n}';
  assert.deepEqual(parseJsonEntries(text, 'in.json').problems.map(describeProblem), [
    'in.json:3: NUM: the value must be a string, not a number',
    'in.json:5: NESTED: the value must be a string, not an object',
    'in.json:6: GOOD is defined twice',
    'in.json:7: NIL: the value must be a string, not null',
  ]);
  const broken = parseJsonEntries('{\n  "A": "s3cret",\n  "B": s3cret\n}', 'in.json').problems.map(describeProblem);
  assert.deepEqual(broken, ['in.json:3: not valid JSON']);
  assert.deepEqual(parseJsonEntries('["A"]', 'in.json').problems.map(describeProblem), ['in.json:1: expected an object of "NAME": "value" pairs']);
});

test('names: kept exactly by default; upper-snake on request; collisions name both secrets', () => {
  const names = [{ name: 'apiKey', value: '1' }, { name: 'db-password', value: '2' }, { name: '9lives', value: '3' }, { name: 'a.b', value: '4' }];
  assert.deepEqual(renameEntries(names).map((e) => e.name), ['apiKey', 'db-password', '9lives', 'a.b']);
  assert.deepEqual(renameEntries(names, { transform: 'upper-snake' }).map((e) => e.name), ['APIKEY', 'DB_PASSWORD', '_9LIVES', 'A_B']);
  assert.equal(upperSnake('my-key.v2'), 'MY_KEY_V2');
  assert.deepEqual(renameEntries([{ name: 'db-url', value: 'v' }], { prefix: 'X_', transform: 'upper-snake' }), [{ name: 'X_DB_URL', value: 'v' }]);
  assert.deepEqual(renameEntries([{ name: 'my-key', value: '1' }, { name: 'MY-KEY', value: '2' }]).map((e) => e.name), ['my-key', 'MY-KEY'], 'distinct names stay distinct');
  assert.throws(() => renameEntries([{ name: 'my-key', value: '1' }, { name: 'MY-KEY', value: '2' }], { transform: 'upper-snake' }), /^SstoreError: secrets "my-key" and "MY-KEY" would both become MY_KEY$/);
  assert.throws(() => renameEntries([], { prefix: '1X' }), /--prefix/);
});

test('formats that cannot hold a name refuse it naming the secret; json and yaml hold any name', () => {
  const odd = [{ name: 'my-key', value: 'v' }];
  for (const format of ['shell', 'github'] as const) {
    assert.throws(() => renderExport(format, odd), (error: Error & { hint?: string }) => {
      assert.equal(error.message, `secret "my-key" is not a shell variable name, so --format ${format} cannot hold it`);
      assert.match(error.hint ?? '', /--name-transform upper-snake exports it as MY_KEY; or use --format dotenv, json or yaml/);
      return true;
    });
  }
  assert.equal(renderExport('dotenv', [{ name: '2fa.my-Key', value: 'v' }]).body, '2fa.my-Key=v\n');
  assert.equal(renderExport('json', [{ name: 'a b', value: 'v' }]).body, '{\n  "a b": "v"\n}\n');
  assert.equal(renderExport('yaml', [{ name: 'a b', value: 'v' }]).body, '"a b": "v"\n');
  assert.throws(() => renderExport('dotenv', [{ name: 'a b', value: 'v' }]), /secret "a b" cannot be a dotenv name/);
});

test('renderExport knows every advertised format', () => {
  for (const format of EXPORT_FORMATS) {
    const rendered = renderExport(format, [{ name: 'A', value: 'v' }]);
    assert.ok(rendered.body.length > 0, format);
    assert.equal(rendered.commands !== '', format === 'github');
  }
});

test('private files are 0600 from the first byte, replace an existing world-readable file, and leave no temp file', () => {
  const dir = tempDir();
  const previous = process.umask(0);
  try {
    const target = join(dir, 'out.env');
    writeFileSync(target, 'old', { mode: 0o644 });
    writePrivateFile(target, 'A=1\n');
    assert.equal(readFileSync(target, 'utf8'), 'A=1\n');
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['out.env']);
    const appended = join(dir, 'github_env');
    appendPrivateFile(appended, 'A=1\n');
    appendPrivateFile(appended, 'B=2\n');
    assert.equal(readFileSync(appended, 'utf8'), 'A=1\nB=2\n');
    assert.equal(statSync(appended).mode & 0o777, 0o600);
    assert.throws(() => writePrivateFile(join(dir, 'missing', 'x'), 'v'), /cannot write .*: its folder does not exist/);
  } finally {
    process.umask(previous);
  }
});
