import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMasker, MASK, MIN_MASK_LENGTH, maskPatterns, tooShortToMask } from '../../src/run/masker.ts';
import { seededRandom } from '../helpers/nasty-values.ts';

/** The obvious, slow definition: hide every byte of every occurrence; each run of hidden bytes becomes one mask. */
function reference(text: Buffer, patterns: Buffer[]): Buffer {
  const hidden = new Array<boolean>(text.length).fill(false);
  for (const p of patterns) {
    if (p.length === 0) continue;
    for (let at = text.indexOf(p); at !== -1; at = text.indexOf(p, at + 1)) hidden.fill(true, at, at + p.length);
  }
  const parts: Buffer[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) parts.push(text.subarray(i, i + 1));
    else if (i === 0 || !hidden[i - 1]) parts.push(Buffer.from(MASK));
  }
  return Buffer.concat(parts);
}

function streamed(text: Buffer, patterns: Buffer[], cuts: number[]): Buffer {
  const masker = createMasker(patterns);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(masker.push(text.subarray(from, cut)));
    from = cut;
  }
  out.push(masker.end());
  return Buffer.concat(out);
}

const b = (s: string) => Buffer.from(s, 'utf8');

test('a value is replaced wherever it appears, and everything else passes through byte for byte', () => {
  const out = streamed(b('\x1b[32mtoken=hunter2\x1b[0m and hunter2 again\n'), maskPatterns(['hunter2']), []);
  assert.equal(out.toString(), `\x1b[32mtoken=${MASK}\x1b[0m and ${MASK} again\n`);
});

// The matcher itself works on any byte strings; which values become patterns (4+ characters) is tested below.
const raw = (...values: string[]) => values.map(b);

test('longest first and overlaps: no byte of any occurrence is shown', () => {
  const patterns = raw('abc', 'abcdef', 'cdx', 'ef');
  assert.equal(streamed(b('1abcdef2 abcdx3 ef4 abc'), patterns, []).toString(), `1${MASK}2 ${MASK}3 ${MASK}4 ${MASK}`);
  assert.equal(streamed(b('aaaa'), raw('aa'), []).toString(), MASK);
});

test('values with regex metacharacters are plain text to the masker', () => {
  const value = '.*+?^${}()|[]\\/';
  assert.equal(streamed(b(`x${value}y .......`), maskPatterns([value]), []).toString(), `x${MASK}y .......`);
});

test('a value split across writes, at every possible point, is still masked; multi-byte UTF-8 split too', () => {
  const value = 'pässwörd🎉ü';
  const text = b(`before ${value} after ${value}`);
  const patterns = maskPatterns([value]);
  const expected = `before ${MASK} after ${MASK}`;
  for (let cut = 0; cut <= text.length; cut++) assert.equal(streamed(text, patterns, [cut]).toString(), expected, `cut at ${cut}`);
  for (let cut = 0; cut + 3 <= text.length; cut++) assert.equal(streamed(text, patterns, [cut, cut + 1, cut + 3]).toString(), expected);
});

test('only a possible prefix is held back: the rest is returned at once, and the prefix too once it cannot match', () => {
  const masker = createMasker(maskPatterns(['secret']));
  assert.equal(masker.push(b('progress 50% sec')).toString(), 'progress 50% ');
  assert.equal(masker.push(b('ond line\n')).toString(), 'second line\n');
  assert.equal(masker.push(b('the secr')).toString(), 'the ');
  assert.equal(masker.push(b('et!')).toString(), `${MASK}!`);
  assert.equal(masker.push(b('ends with se')).toString(), 'ends with ');
  assert.equal(masker.end().toString(), 'se');
});

test('multi-line values are also masked line by line; empty values are ignored', () => {
  const pem = '-----BEGIN KEY-----\nMIIBOgIBAAJBAK\n-----END KEY-----';
  const out = streamed(b('MIIBOgIBAAJBAK\r\n}\n'), maskPatterns([pem, '', '}\n{']), []);
  assert.equal(out.toString(), `${MASK}\r\n}\n`);
});

test('a multi-line value is masked whole as a terminal shows it (\\n as \\r\\n), short lines included', () => {
  const value = 'first-line\nab\nlast-line';
  const patterns = maskPatterns([value]);
  assert.equal(streamed(b('x first-line\r\nab\r\nlast-line y'), patterns, []).toString(), `x ${MASK} y`);
  assert.equal(streamed(b('x first-line\nab\nlast-line y'), patterns, []).toString(), `x ${MASK} y`);
});

test('values shorter than 4 characters are not masked (they would garble all output); 4 characters are', () => {
  assert.equal(MIN_MASK_LENGTH, 4);
  const patterns = maskPatterns(['1', 'on', 'abc', 'éüö', '🎉🎉🎉', 'abcd', 'éüöä']);
  assert.deepEqual(patterns.map((p) => p.toString()).sort(), ['abcd', 'éüöä']);
  assert.equal(streamed(b('1 on abc éüö 🎉🎉🎉 abcd éüöä 10'), patterns, []).toString(), `1 on abc éüö 🎉🎉🎉 ${MASK} ${MASK} 10`);
  assert.deepEqual(['', '1', 'on', 'abc', '🎉🎉🎉', 'abcd', 'ab\ncd'].map(tooShortToMask), [false, true, true, true, true, false, false]);
});

test('random texts, values and chunkings agree with the reference', () => {
  const random = seededRandom(99);
  const alphabet = ['a', 'b', 'c', 'é', '\n'];
  const word = (max: number) => {
    let s = '';
    const n = Math.floor(random() * max);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
    return s;
  };
  for (let round = 0; round < 3000; round++) {
    const values = Array.from({ length: 1 + Math.floor(random() * 4) }, () => word(5));
    const patterns = raw(...values);
    const text = b(word(30));
    const cuts = Array.from({ length: Math.floor(random() * 5) }, () => Math.floor(random() * (text.length + 1))).sort((x, y) => x - y);
    assert.deepEqual(streamed(text, patterns, cuts), reference(text, patterns), `${JSON.stringify(values)} in ${JSON.stringify(text.toString())} cut ${cuts}`);
  }
});
