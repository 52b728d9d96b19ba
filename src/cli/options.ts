import { InvalidArgumentError } from 'commander';

/** Commander argument parsers: a bad value is a usage error (exit 2) with a one-line message. */
export function wholeNumber(min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw)) throw new InvalidArgumentError('expected a whole number');
    const n = Number(raw);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    return n;
  };
}

export function positiveSeconds(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
}

/** `a,b,c` (and repeated flags) into a list without blanks or repeats. */
export function commaList(raw: string, previous: string[] = []): string[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return [...new Set([...previous, ...items])];
}
