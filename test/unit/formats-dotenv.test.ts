import assert from 'node:assert/strict';
import { test } from 'node:test';
import dotenv from 'dotenv';
import { formatDotenv } from '../../src/formats/dotenv-format.ts';
import { parseDotenv } from '../../src/formats/dotenv-parse.ts';
import { describeProblem } from '../../src/formats/types.ts';
import { NASTY_VALUES, randomNastyString, seededRandom } from '../helpers/nasty-values.ts';

function bothDotenvParsers(text: string): [Record<string, string>, Record<string, string>] {
  return [{ ...dotenv.parse(text) }, { ...dotenv.parse(text, { fast: true }) }];
}

function asObject(entries: Array<{ name: string; value: string }>): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.name, e.value]));
}

/** What no dotenv spelling can hold: every quote character (or a CR) plus a line break or #. */
function unrepresentable(value: string): boolean {
  const breaks = /[\r\u2028\u2029]/.test(value);
  return (value.includes("'") || breaks) && (value.includes('`') || breaks) && (value.includes('"') || /\\[nr]/.test(value)) && /[\n\r\u2028\u2029#]/.test(value);
}

test('nasty values round-trip through formatDotenv, dotenv.parse (both parsers) and parseDotenv', () => {
  const entries = NASTY_VALUES.map((value, i) => ({ name: `V${i}`, value }));
  const text = formatDotenv(entries);
  const expected = asObject(entries);
  const [regex, fast] = bothDotenvParsers(text);
  assert.deepEqual(regex, expected);
  assert.deepEqual(fast, expected);
  const ours = parseDotenv(text, '.env');
  assert.deepEqual(ours.problems, []);
  assert.deepEqual(asObject(ours.entries), expected);
});

test('simple values stay readable: bare when safe, single quotes otherwise', () => {
  assert.equal(formatDotenv([{ name: 'PORT', value: '8080' }, { name: 'URL', value: 'https://x.test/a?b=c' }]), "PORT=8080\nURL='https://x.test/a?b=c'\n");
  assert.equal(formatDotenv([{ name: 'EMPTY', value: '' }, { name: 'MULTI', value: 'a\nb' }]), "EMPTY=''\nMULTI='a\nb'\n");
});

test('4000 random values: each one either round-trips exactly everywhere or is refused because dotenv cannot hold it', () => {
  const random = seededRandom(20261123);
  let refused = 0;
  let impossible = 0;
  for (let i = 0; i < 4000; i++) {
    const value = randomNastyString(random);
    if (unrepresentable(value)) impossible++;
    let text: string;
    try {
      text = formatDotenv([{ name: 'A', value }, { name: 'B', value: 'after' }]);
    } catch (error) {
      assert.ok(unrepresentable(value), `refused a value dotenv can hold: ${JSON.stringify(value)} (${String(error)})`);
      refused++;
      continue;
    }
    const [regex, fast] = bothDotenvParsers(text);
    assert.deepEqual(regex, { A: value, B: 'after' }, `dotenv.parse: ${JSON.stringify(value)} as ${JSON.stringify(text)}`);
    assert.deepEqual(fast, { A: value, B: 'after' }, `dotenv.parse fast: ${JSON.stringify(value)} as ${JSON.stringify(text)}`);
    assert.deepEqual(asObject(parseDotenv(text, '.env').entries), { A: value, B: 'after' });
  }
  // Refused exactly the values no spelling can hold, and nothing else.
  assert.equal(refused, impossible);
  assert.ok(refused < 4000 - 2000);
});

test('a value dotenv cannot hold is a one-line validation error naming the secret, not a changed value', () => {
  assert.throws(() => formatDotenv([{ name: 'KEY', value: `' " \`\nx` }]), (error: Error & { kind?: string }) => {
    assert.equal(error.kind, 'validation');
    assert.match(error.message, /^the value of KEY cannot be written as dotenv/);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
});

test('parseDotenv reads what dotenv reads: export, comments, quotes of every kind, multi-line values, CRLF, KEY: value', () => {
  const text = [
    '# a comment',
    '',
    'export EXPORTED=yes',
    'PLAIN=hello world  # trailing comment',
    "SINGLE='  spaced # not a comment '",
    'DOUBLE="tab\\there\\nnewline"',
    'BACKTICK=`it\'s "both"`',
    'MULTI="first',
    'second"',
    "MULTI_SINGLE='a",
    '',
    "b'",
    'COLON: value',
    'EMPTY=',
    'EMPTY_COMMENT= # nothing',
    '  INDENTED = spaced = out  ',
    'HASH_GLUED=abc#def',
    'FALLBACK=\'a\'b\'',
    'WIN=crlf\r',
    'LAST=end',
  ].join('\n');
  const ours = parseDotenv(text, '.env');
  assert.deepEqual(ours.problems, []);
  const [regex, fast] = bothDotenvParsers(text);
  assert.deepEqual(asObject(ours.entries), regex);
  assert.deepEqual(asObject(ours.entries), fast);
  assert.equal(regex.MULTI, 'first\nsecond');
  const lines = Object.fromEntries(ours.entries.map((e) => [e.name, e.line]));
  assert.deepEqual([lines.EXPORTED, lines.MULTI, lines.MULTI_SINGLE, lines.COLON, lines.LAST], [3, 8, 10, 13, 20]);
});

test('every invalid line is reported with file:line, and the valid lines are still read; names are dotenv\'s', () => {
  const text = [
    'GOOD=1', // 1
    '1BAD=x', // 2
    'a.b=dotted', // 3
    'just some text', // 4
    'NOEQUALS', // 5
    'OPEN="never closed', // 6
    'GOOD=2', // 7
    'OK2=fine', // 8
    "Q='x' trailing", // 9
    'export', // 10
  ].join('\n');
  const result = parseDotenv(text, 'app.env');
  assert.deepEqual(result.problems.map(describeProblem), [
    "app.env:4: expected NAME=value (also line 5): is it the rest of a.b's value from line 3? A multi-line value needs double quotes",
    'app.env:6: OPEN: the double quote is never closed',
    'app.env:7: GOOD is already defined on line 1',
    'app.env:9: Q: the single quote is never closed',
    'app.env:10: expected NAME=value',
  ]);
  assert.deepEqual(asObject(result.entries), { GOOD: '1', '1BAD': 'x', 'a.b': 'dotted', OK2: 'fine' });
  const [regex] = bothDotenvParsers('1BAD=x\na.b=dotted\nmy-key=v\n');
  assert.deepEqual(asObject(parseDotenv('1BAD=x\na.b=dotted\nmy-key=v\n', 'f').entries), regex, 'the same names as the dotenv package');
});

test('problem messages never repeat the text of a line (it may be part of a secret)', () => {
  const result = parseDotenv('KEY="s3cret\nline two of s3cret\n', '.env');
  for (const problem of result.problems) assert.ok(!describeProblem(problem).includes('s3cret'), describeProblem(problem));
  assert.ok(result.problems.length > 0);
});

test('an unquoted multi-line PEM is one problem that names the key, never a line of the key', () => {
  const pem = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', 'Mzx+9w0BAQEFAASCBKcwggSjAgEAAoIB', '-----END PRIVATE KEY-----'];
  const result = parseDotenv(`A=1\nTLS_KEY=${pem.join('\n')}\nB=2\n`, '.env');
  assert.deepEqual(result.problems.map(describeProblem), [
    ".env:3: expected NAME=value (also lines 4–6): is it the rest of TLS_KEY's value from line 2? A multi-line value needs double quotes",
  ]);
  for (const line of pem.slice(1)) assert.ok(!describeProblem(result.problems[0]!).includes(line.slice(0, 8)));
});

test('random files: whenever parseDotenv reports no problem, it agrees with both dotenv parsers', () => {
  const random = seededRandom(7);
  const pieces = ['A', 'B', 'export C', 'D ', ' E', 'a.b', 'x-y', '2', '#', '=', ': ', ' = ', "'", '"', '`', '\\', 'n', 'x', ' ', '\n', '\r\n', '#c', '\t'];
  let agreed = 0;
  for (let i = 0; i < 6000; i++) {
    let text = '';
    const n = 1 + Math.floor(random() * 14);
    for (let j = 0; j < n; j++) text += pieces[Math.floor(random() * pieces.length)];
    const ours = parseDotenv(text, 'f');
    if (ours.problems.length > 0) continue;
    const [regex, fast] = bothDotenvParsers(text);
    assert.deepEqual(asObject(ours.entries), regex, `regex parser on ${JSON.stringify(text)}`);
    assert.deepEqual(asObject(ours.entries), fast, `fast parser on ${JSON.stringify(text)}`);
    agreed++;
  }
  assert.ok(agreed > 500, `only ${agreed} files were problem-free`);
});
