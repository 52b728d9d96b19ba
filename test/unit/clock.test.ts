import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoToMicros, microsToIso, nowMicros } from '../../src/engine/clock.ts';

/** The plain way: the millisecond ISO string with three more digits. */
function reference(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;
}

test('microsToIso formats microseconds exactly, within a second and across seconds, days and years', () => {
  const samples = [0, 1, 999, 1_000, 999_999, 1_000_000, 1_763_870_000_123_456, 1_763_870_000_999_999, 1_763_870_001_000_000, 1_735_689_599_999_999, 1_735_689_600_000_000];
  for (let i = 0; i < 2_000; i++) samples.push(1_763_870_000_000_000 + i * 977_531);
  for (const micros of samples) {
    assert.equal(microsToIso(micros), reference(micros), String(micros));
    assert.equal(isoToMicros(microsToIso(micros)), micros);
  }
  assert.equal(microsToIso(1_700_000_000_000_001), '2023-11-14T22:13:20.000001Z');
});

test('nowMicros is strictly increasing', () => {
  let last = nowMicros();
  for (let i = 0; i < 10_000; i++) {
    const next = nowMicros();
    assert.ok(next > last);
    last = next;
  }
});
