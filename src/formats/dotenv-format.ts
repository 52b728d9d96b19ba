import { SstoreError } from '../errors.ts';
import { parseDotenv } from './dotenv-parse.ts';
import { requireDotenvName } from './names.ts';
import type { Entry } from './types.ts';

// dotenv has no general escape: single quotes and backticks are fully literal, double quotes know only `\n` and
// `\r`. So each value gets the first of these spellings that reads back exactly, checked by our own parser (which
// follows dotenv's grammar): bare, 'single', `backtick`, "double" (newlines as \n), and finally a quoted line that
// dotenv reads through its unquoted fallback. A value that fits none (it holds all three quote characters and a
// newline, a carriage return or a #, or ' and ` with a literal \n) cannot be written as dotenv at all: that is an
// error, never a silent change.

const BARE = /^[A-Za-z0-9_./:@%+,-]+$/;

function candidates(value: string): string[] {
  const list: string[] = [];
  if (BARE.test(value)) list.push(value);
  const multiline = /[\r\u2028\u2029]/.test(value);
  if (!multiline && !value.includes("'")) list.push(`'${value}'`);
  if (!multiline && !value.includes('`')) list.push(`\`${value}\``);
  if (!value.includes('"') && !/\\[nr]/.test(value)) list.push(`"${value.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`);
  if (!/[\n\r\u2028\u2029#]/.test(value)) list.push(`'${value}'`);
  return list;
}

/** The dotenv spelling of one value, or undefined when dotenv cannot represent it. */
export function dotenvValue(name: string, value: string): string | undefined {
  for (const spelled of candidates(value)) {
    const back = parseDotenv(`${name}=${spelled}\n`, 'check');
    if (back.problems.length === 0 && back.entries.length === 1 && back.entries[0]!.value === value) return spelled;
  }
  return undefined;
}

/** A .env file, one `NAME=value` per entry, that `dotenv.parse` and `parseDotenv` read back exactly. */
export function formatDotenv(entries: readonly Entry[]): string {
  let out = '';
  for (const { name, value } of entries) {
    requireDotenvName(name);
    const spelled = dotenvValue(name, value);
    if (spelled === undefined) {
      throw new SstoreError('validation', `the value of ${name} cannot be written as dotenv, which has no escapes: it holds every quote character along with a line break or #`, {
        hint: 'use --format json, yaml or shell for this secret',
      });
    }
    out += `${name}=${spelled}\n`;
  }
  return out;
}
