import { fitWidths, terminalWidth } from './fit.ts';
import type { IO } from './io.ts';

/** Machine output: only JSON on stdout, pretty on a terminal, compact when piped. */
export function printJson(io: IO, value: unknown): void {
  io.out(io.stdoutIsTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

export interface Column {
  head: string;
  /** How a cell looks on a colour terminal. */
  style?: 'name' | 'dim' | 'plain';
  /** Never cut to fit the terminal (ids: a cut one cannot be copied). */
  whole?: boolean;
  /** Left out, from the right, when even the shortest cut of every column is wider than the terminal. */
  optional?: boolean;
}

/** The space after each column. */
const GAP = 2;
/** A column is never truncated below its heading, nor below this many characters. */
const MIN_CELL = 6;

/**
 * A table for people (cli-table3 and chalk, loaded only when a table is printed). On a terminal it fits the width:
 * the widest columns are cut short with `…` (`--json`, a pipe or a wider terminal shows every value whole).
 */
export async function printTable(io: IO, heads: (Column | string)[], allRows: string[][]): Promise<void> {
  let columns = heads.map((c): Column => (typeof c === 'string' ? { head: c } : c));
  let rows = allRows;
  const [{ default: Table }, { Chalk }] = await Promise.all([import('cli-table3'), import('chalk')]);
  const width = terminalWidth(io.stdout);
  const naturalOf = (cols: Column[]) => cols.map((c, i) => Math.max(c.head.length, ...rows.map((row) => [...(row[i] ?? '')].length)) + GAP);
  const minimumOf = (cols: Column[], natural: number[]) =>
    cols.map((c, i) => (c.whole ? natural[i]! : Math.min(Math.max(c.head.length, MIN_CELL), natural[i]! - GAP) + GAP));
  let natural = naturalOf(columns);
  // The last column's gap is trimmed off each line, so it does not count against the width.
  let minimum = minimumOf(columns, natural);
  for (let drop = columns.findLastIndex((c) => c.optional); width !== undefined && drop >= 0 && sum(minimum) > width + GAP; drop = columns.findLastIndex((c) => c.optional)) {
    columns = columns.filter((_, i) => i !== drop);
    rows = rows.map((row) => row.filter((_, i) => i !== drop));
    natural = naturalOf(columns);
    minimum = minimumOf(columns, natural);
  }
  const widths = width === undefined ? undefined : fitWidths(natural, minimum, width + GAP);
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const paint = (style: Column['style'], text: string) => (style === 'name' ? chalk.cyan(text) : style === 'dim' ? chalk.dim(text) : text);
  const table = new Table({
    head: columns.map((c) => chalk.bold(c.head)),
    ...(widths && { colWidths: widths, truncate: '…' }),
    style: { head: [], border: io.color ? ['grey'] : [], compact: true, 'padding-left': 0, 'padding-right': GAP },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
    },
  });
  table.push(...rows.map((row) => row.map((cell, i) => paint(columns[i]?.style, cell))));
  io.out(table.toString().split('\n').map((line) => line.trimEnd()).join('\n'));
}

const sum = (numbers: number[]) => numbers.reduce((a, b) => a + b, 0);

/** Key/value lines for one object (`get`, `show`). */
export async function printFields(io: IO, fields: [string, string][]): Promise<void> {
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const width = Math.max(...fields.map(([k]) => k.length));
  io.out(fields.map(([k, v]) => `${chalk.bold(k.padEnd(width))}  ${v}`).join('\n'));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago" on a terminal; the ISO time when piped, so scripts get something exact. */
export function when(io: IO, iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  if (!io.stdoutIsTTY) return iso;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const seconds = Math.round((ms - now) / 1000);
  if (Math.abs(seconds) < 10) return 'just now';
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  return 'just now';
}

/** Status lines ("created secret X") go to stderr, so stdout holds only results; `-q` silences them. */
export function say(ctx: { io: IO; globals: { quiet: boolean } }, line: string): void {
  if (!ctx.globals.quiet) ctx.io.err(line);
}
