import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exampleLines, fitWidths, wrapWords } from '../../src/cli/fit.ts';

test('fitWidths: the widest column shrinks first, never below its minimum; nothing changes when it fits', () => {
  assert.deepEqual(fitWidths([10, 40, 20], [4, 4, 4], 100), [10, 40, 20]);
  assert.deepEqual(fitWidths([10, 40, 20], [4, 4, 4], 60), [10, 30, 20]);
  assert.deepEqual(fitWidths([10, 40, 20], [4, 4, 4], 40), [10, 15, 15]);
  assert.deepEqual(fitWidths([10, 40, 20], [8, 30, 12], 20), [8, 30, 12], 'minimums hold even when the row is too wide');
});

test('wrapWords: lines of at most the width, words kept whole', () => {
  const lines = wrapWords('Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 auth or permission, 5 conflict', 30);
  assert.ok(lines.every((l) => l.length <= 30), JSON.stringify(lines));
  assert.equal(lines.join(' '), 'Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 auth or permission, 5 conflict');
});

test('exampleLines: a short example is one line; a long one moves its comment up and continues with a backslash', () => {
  assert.deepEqual(exampleLines('sstore secrets list', 80), ['  $ sstore secrets list']);
  assert.deepEqual(exampleLines('sstore secrets list                  # every page', 40), ['  $ sstore secrets list  # every page']);
  const lines = exampleLines('printf %s "$TOKEN" | sstore secrets put API_TOKEN    # from stdin (one trailing newline is dropped)', 60);
  assert.deepEqual(lines, ['  # from stdin (one trailing newline is dropped)', '  $ printf %s "$TOKEN" | sstore secrets put API_TOKEN']);
  const long = exampleLines('sstore profile add prod --account 0123456789abcdef0123456789abcdef --store "my main store"', 50);
  assert.ok(long.every((l) => l.length <= 50), JSON.stringify(long));
  assert.equal(long.map((l) => l.replace(/ \\$/, '').trim()).join(' ').replace(/^\$ /, ''), 'sstore profile add prod --account 0123456789abcdef0123456789abcdef --store "my main store"');
  assert.ok(long.slice(0, -1).every((l) => l.endsWith(' \\')), 'each line but the last continues');
});
