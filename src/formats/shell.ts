import { SstoreError } from '../errors.ts';
import { requireShellName } from './names.ts';
import type { Entry } from './types.ts';

/** A POSIX single-quoted word: nothing inside is special, and a ' is written as '\'' . */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME='value'` lines, safe to `eval` in bash, zsh, dash and ksh. */
export function formatShell(entries: readonly Entry[]): string {
  let out = '';
  for (const { name, value } of entries) {
    requireShellName(name, 'shell');
    if (value.includes('\0')) throw new SstoreError('validation', `the value of ${name} contains a NUL byte, which no environment variable can hold`);
    out += `export ${name}=${shellQuote(value)}\n`;
  }
  return out;
}
