import { Transform, type TransformCallback } from 'node:stream';

/** What a secret is replaced with. Always the same length, so output never hints at a value's length. */
export const MASK = '*****';
const MASK_BYTES = Buffer.from(MASK);

/**
 * Values (and lines of multi-line values) shorter than this are not masked: hiding `1`, `on` or `}` would garble
 * every number and word of the output and protect nothing. `run --mask` says how many it leaves visible.
 */
export const MIN_MASK_LENGTH = 4;

/** Whether a non-empty value is too short to be masked (counted in characters, not bytes). */
export function tooShortToMask(value: string): boolean {
  return value !== '' && [...value].length < MIN_MASK_LENGTH;
}

/** A streaming replacer: feed it chunks in order, write out what it returns, call `end()` at the end of the stream. */
export interface Masker {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
}

/**
 * The byte strings to hide: each value of 4+ characters, and each line (of 4+ characters) of a multi-line value,
 * since programs often print such values line by line or with other line endings. A multi-line value is also
 * hidden as a terminal shows it: a pseudo-terminal turns each `\n` the program writes into `\r\n`.
 */
export function maskPatterns(values: readonly string[]): Buffer[] {
  const set = new Set<string>();
  for (const value of values) {
    if (value === '' || tooShortToMask(value)) continue;
    set.add(value);
    if (!/[\r\n]/.test(value)) continue;
    set.add(value.replace(/\r?\n/g, '\r\n'));
    for (const line of value.split(/\r\n|\r|\n/)) if (!tooShortToMask(line) && line !== '') set.add(line);
  }
  return [...set].map((s) => Buffer.from(s, 'utf8'));
}

/**
 * Replaces every occurrence of every pattern with `*****`, on raw bytes, so a multi-byte character or a value split
 * across chunks is still found. Overlapping or adjacent occurrences (of one value or of several) are hidden
 * together under one mask, so no byte of any occurrence is ever shown.
 *
 * Matching is Aho–Corasick: after each byte the automaton's state is the longest tail of the output that could
 * still grow into a pattern. Only that tail is held back; everything before it is final and is returned at once.
 */
export function createMasker(patterns: readonly Buffer[]): Masker {
  const trie = buildAutomaton(patterns.filter((p) => p.length > 0));
  let state = 0;
  let held: Buffer = Buffer.alloc(0);
  let heldStart = 0; // absolute offset of held[0]
  const covered: Array<[number, number]> = []; // merged [start, end) absolute ranges to hide, not yet fully written
  let inMask = false; // the last byte written was hidden, so a following hidden byte continues the same mask

  // Matches arrive in order of their end, but a longer one may start before earlier ranges: absorb them all.
  const cover = (start: number, end: number): void => {
    let from = start;
    let to = end;
    for (let last = covered.at(-1); last && from <= last[1]; last = covered.at(-1)) {
      from = Math.min(from, last[0]);
      to = Math.max(to, last[1]);
      covered.pop();
    }
    covered.push([from, to]);
  };

  /** Writes out held bytes before the absolute offset `until`. */
  const release = (until: number): Buffer => {
    const parts: Buffer[] = [];
    let at = heldStart;
    while (at < until) {
      const range = covered[0];
      if (range && range[0] <= at) {
        const stop = Math.min(range[1], until);
        if (!inMask) parts.push(MASK_BYTES);
        inMask = true;
        at = stop;
        if (range[1] <= until) covered.shift();
      } else {
        const stop = Math.min(range ? range[0] : until, until);
        parts.push(held.subarray(at - heldStart, stop - heldStart));
        inMask = false;
        at = stop;
      }
    }
    held = held.subarray(until - heldStart);
    heldStart = until;
    return parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts);
  };

  return {
    push(chunk) {
      if (trie.size === 1) return chunk;
      const offset = held.length;
      held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      for (let i = offset; i < held.length; i++) {
        state = trie.step(state, held[i]!);
        const length = trie.longestMatch[state]!;
        if (length > 0) {
          const end = heldStart + i + 1;
          cover(end - length, end);
        }
      }
      return release(heldStart + held.length - trie.depth[state]!);
    },
    end() {
      const rest = release(heldStart + held.length);
      state = 0;
      inMask = false;
      return rest;
    },
  };
}

/** A Transform stream around a masker, for piping a child's stdout or stderr. */
export function createMaskStream(patterns: readonly Buffer[]): Transform {
  const masker = createMasker(patterns);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const out = masker.push(chunk);
      callback(null, out.length > 0 ? out : undefined);
    },
    flush(callback: TransformCallback) {
      const out = masker.end();
      callback(null, out.length > 0 ? out : undefined);
    },
  });
}

interface Automaton {
  size: number;
  depth: number[];
  /** Length of the longest pattern that ends at this state (0 if none). */
  longestMatch: number[];
  step(state: number, byte: number): number;
}

function buildAutomaton(patterns: readonly Buffer[]): Automaton {
  const next: Array<Map<number, number>> = [new Map()];
  const depth = [0];
  const longestMatch = [0];
  for (const pattern of patterns) {
    let s = 0;
    for (const byte of pattern) {
      let t = next[s]!.get(byte);
      if (t === undefined) {
        t = next.length;
        next.push(new Map());
        depth.push(depth[s]! + 1);
        longestMatch.push(0);
        next[s]!.set(byte, t);
      }
      s = t;
    }
    longestMatch[s] = pattern.length;
  }
  const fail = new Array<number>(next.length).fill(0);
  const queue: number[] = [...next[0]!.values()];
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    for (const [byte, t] of next[s]!) {
      let f = fail[s]!;
      while (f !== 0 && !next[f]!.has(byte)) f = fail[f]!;
      const target = next[f]!.get(byte);
      fail[t] = target !== undefined && target !== t ? target : 0;
      // A state's own pattern is the longest ending here; otherwise inherit the longest from the suffix state.
      if (longestMatch[t] === 0) longestMatch[t] = longestMatch[fail[t]!]!;
      queue.push(t);
    }
  }
  const step = (state: number, byte: number): number => {
    let s = state;
    for (;;) {
      const t = next[s]!.get(byte);
      if (t !== undefined) return t;
      if (s === 0) return 0;
      s = fail[s]!;
    }
  };
  return { size: next.length, depth, longestMatch, step };
}
