/**
 * The formats `sstore export` writes. Here, not in export.ts, so that registering the command (its `--format`
 * choices, read by every `--help`) does not load the renderers and their node:crypto.
 */
export const EXPORT_FORMATS = ['dotenv', 'json', 'yaml', 'shell', 'github'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One secret as the formats see it: a name and its value, both plain strings. */
export interface Entry {
  name: string;
  value: string;
}

/** A problem in an input file, pointing at the line a person has to fix. */
export interface Problem {
  file: string;
  line: number;
  message: string;
  /** A limit rather than bad input (a value too large): an import whose every problem is one exits 6. */
  kind?: 'quota';
}

/** `file:line: message`, the form editors and CI annotations understand. */
export function describeProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

/** What an input parser returns: every entry it could read and every problem it found (never just the first). */
export interface ParseResult {
  entries: Array<Entry & { line: number }>;
  problems: Problem[];
}
