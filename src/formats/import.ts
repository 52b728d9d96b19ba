import { parseDotenv } from './dotenv-parse.ts';
import { parseJsonEntries } from './json.ts';
import type { ParseResult } from './types.ts';

export const IMPORT_FORMATS = ['dotenv', 'json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The format of an import file when --format is not given: `.json` is JSON, anything else is dotenv. */
export function importFormatFor(fileName: string): ImportFormat {
  return /\.json$/i.test(fileName) ? 'json' : 'dotenv';
}

/** Parses an import file; `file` is the name used in problem messages (`.env:3: ...`). */
export function parseImport(format: ImportFormat, text: string, file: string): ParseResult {
  return format === 'json' ? parseJsonEntries(text, file) : parseDotenv(text, file);
}
