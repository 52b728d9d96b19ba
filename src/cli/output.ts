import type { IO } from './io.ts';

/** Machine output: only JSON on stdout, pretty on a terminal, compact when piped. */
export function printJson(io: IO, value: unknown): void {
  io.out(io.stdoutIsTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

/** A table for people (cli-table3, loaded only when a table is printed). */
export async function printTable(io: IO, head: string[], rows: string[][]): Promise<void> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head,
    style: { head: io.color ? ['bold'] : [], border: io.color ? ['grey'] : [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  table.push(...rows);
  io.out(table.toString());
}
