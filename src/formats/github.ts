import { randomBytes } from 'node:crypto';
import { SstoreError } from '../errors.ts';
import { requireShellName } from './names.ts';
import type { Entry } from './types.ts';

/** What `export --format github` produces: workflow commands for stdout, and the text to append to $GITHUB_ENV. */
export interface GithubOutput {
  /** `::add-mask::` lines, one per non-blank line of every value. They must reach the log before any value can. */
  commands: string;
  /** `NAME=value` lines, or `NAME<<DELIMITER` blocks for values with a line break. */
  envFile: string;
}

/** The escaping @actions/core applies to a workflow command's data. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function formatGithub(entries: readonly Entry[], random: (size: number) => Buffer = randomBytes): GithubOutput {
  let commands = '';
  let envFile = '';
  for (const { name, value } of entries) {
    requireShellName(name, 'github');
    if (value.includes('\0')) throw new SstoreError('validation', `the value of ${name} contains a NUL byte, which no environment variable can hold`);
    // The runner masks line by line, so a multi-line value is masked one line at a time. Blank lines are not
    // masked: a mask of spaces would hide every run of spaces in the log and protects nothing.
    for (const line of value.split(/\r\n|\r|\n/)) {
      if (line.trim() !== '') commands += `::add-mask::${escapeCommandData(line)}\n`;
    }
    if (!/[\r\n]/.test(value)) {
      envFile += `${name}=${value}\n`;
      continue;
    }
    let delimiter: string;
    do delimiter = `ghadelimiter_${random(16).toString('hex')}`;
    while (value.includes(delimiter));
    envFile += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  return { commands, envFile };
}
