import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { unifiedDiff } from '../../src/cli/line-diff.ts';

/** Applies a unified diff the way `patch` does: each hunk's context and `-` lines must be where it says. */
function apply(before: string, diff: string): string {
  const source = before.split('\n');
  const out: string[] = [];
  let at = 0;
  const lines = diff.split('\n').slice(2);
  for (let i = 0; i < lines.length; ) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i]!);
    assert.ok(header, `a hunk header, not ${lines[i]}`);
    const start = Number(header[1]) - 1;
    while (at < start) out.push(source[at++]!);
    i++;
    while (i < lines.length && !lines[i]!.startsWith('@@ ')) {
      const line = lines[i++]!;
      const text = line.slice(1);
      if (line[0] === '+') out.push(text);
      else {
        assert.equal(source[at], text, 'context and removed lines match the old text');
        at++;
        if (line[0] === ' ') out.push(text);
      }
    }
  }
  while (at < source.length) out.push(source[at++]!);
  return out.join('\n');
}

test('a diff applied to the old text gives the new one, for any two texts', () => {
  const text = fc.array(fc.constantFrom('a', 'b', 'c', '{', '}', '', '  // note'), { maxLength: 30 }).map((l) => l.join('\n'));
  fc.assert(fc.property(text, text, (before, after) => {
    const diff = unifiedDiff(before, after, 'f');
    assert.equal(apply(before, diff), after);
    if (before === after) assert.equal(diff, '--- f\n+++ f');
  }), { numRuns: 500 });
});

test('hunks keep three lines of context and removed lines come before added ones', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i}`);
  const after = before.map((l, i) => (i === 10 ? 'changed' : l));
  const diff = unifiedDiff(before.join('\n'), after.join('\n'), 'f').split('\n');
  assert.equal(diff[2], '@@ -8,7 +8,7 @@');
  assert.deepEqual(diff.slice(3).map((l) => l[0]), [' ', ' ', ' ', '-', '+', ' ', ' ', ' ']);
});
