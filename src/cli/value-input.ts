import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { SstoreError } from '../errors.ts';
import { secretInputHint } from './excess-arguments.ts';
import type { IO } from './io.ts';

/**
 * The one place a secret value comes from, safest first: a hidden prompt with confirmation on a terminal; standard
 * input when piped (bytes exactly, minus one trailing newline); --from-env VAR; --from-file PATH (bytes exactly);
 * --value V (accepted, with a warning: argv is visible to other users). Checked before any request: at most
 * 65,536 bytes, valid UTF-8 (the APIs carry values as JSON strings), not empty.
 */
export const MAX_VALUE_BYTES = 65_536;

export interface ValueFlags {
  value?: string;
  fromEnv?: string;
  fromFile?: string;
}

export function addValueOptions(command: Command): Command {
  secretInputHint(command);
  return command
    .addOption(new Option('--from-env <var>', 'read the value from this environment variable'))
    .addOption(new Option('--from-file <path>', 'read the value from a file (bytes exactly)'))
    .addOption(new Option('--value <value>', 'the value itself (visible in the process list and shell history: prefer a prompt or stdin)'));
}

export function hasValueFlag(flags: ValueFlags): boolean {
  return flags.value !== undefined || flags.fromEnv !== undefined || flags.fromFile !== undefined;
}

async function readStdin(io: IO): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** One trailing newline (`\n` or `\r\n`) is what `echo` and editors add; anything else is part of the value. */
export function stripOneNewline(bytes: Buffer): Buffer {
  if (bytes.at(-1) !== 0x0a) return bytes;
  return bytes.subarray(0, bytes.length - (bytes.at(-2) === 0x0d ? 2 : 1));
}

export function checkValue(bytes: Buffer, from: string): string {
  if (bytes.length === 0) throw new SstoreError('validation', `the value from ${from} is empty`, { reason: 'value_empty' });
  if (bytes.length > MAX_VALUE_BYTES) {
    throw new SstoreError('quota', `the value is ${bytes.length.toLocaleString('en')} bytes; the limit is ${MAX_VALUE_BYTES.toLocaleString('en')}`, {
      reason: 'value_too_large',
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SstoreError('validation', `the value from ${from} is not valid UTF-8 text`, {
      reason: 'value_not_utf8',
      hint: 'store binary data base64-encoded',
    });
  }
}

export interface ReadValueOptions {
  /** `put`: a value is required. `patch`: only when asked for (a flag, non-empty stdin, or a prompt). */
  required: boolean;
  /** On a terminal with no value flag: prompt (put, or patch with nothing else to change). */
  promptOnTty: boolean;
  what: string;
}

export async function readValue(io: IO, flags: ValueFlags, options: ReadValueOptions): Promise<string | undefined> {
  const given = [flags.value !== undefined, flags.fromEnv !== undefined, flags.fromFile !== undefined].filter(Boolean).length;
  if (given > 1) throw new SstoreError('usage', 'give the value one way only: --value, --from-env or --from-file', { reason: 'value_flags' });
  if (flags.value !== undefined) {
    io.err('sstore: warning: --value is visible to other users in the process list and in shell history; prefer a prompt, stdin, --from-env or --from-file');
    return checkValue(Buffer.from(flags.value, 'utf8'), '--value');
  }
  if (flags.fromEnv !== undefined) {
    const text = io.env[flags.fromEnv];
    if (text === undefined) {
      // `--from-env "$TOKEN"` (the value, not the name) is a likely slip: only a variable-shaped name is shown back.
      const shown = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(flags.fromEnv) ? `the environment variable ${flags.fromEnv}` : 'the variable --from-env names (not shown: it is no variable name)';
      throw new SstoreError('usage', `${shown} is not set`, { reason: 'value_env_missing', hint: '--from-env takes the name of a variable (--from-env API_TOKEN), not its value' });
    }
    return checkValue(Buffer.from(text, 'utf8'), `$${flags.fromEnv}`);
  }
  if (flags.fromFile !== undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(flags.fromFile);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SstoreError('usage', `cannot read ${flags.fromFile}${code ? ` (${code})` : ''}`, { reason: 'value_file_unreadable' });
    }
    return checkValue(bytes, flags.fromFile);
  }
  if (!io.stdinIsTTY) {
    const bytes = stripOneNewline(await readStdin(io));
    if (bytes.length === 0 && !options.required) return undefined;
    if (bytes.length === 0) {
      throw new SstoreError('usage', `no value for ${options.what}: standard input was empty`, {
        reason: 'value_missing',
        hint: 'pipe the value in (printf %s "$VALUE" | sstore ...), or use --from-env VAR / --from-file PATH',
      });
    }
    return checkValue(bytes, 'standard input');
  }
  if (!options.promptOnTty) return undefined;
  if (!io.canPrompt) {
    throw new SstoreError('usage', `no value for ${options.what}, and no prompt under CI`, {
      reason: 'value_missing',
      hint: 'pipe the value in, or use --from-env VAR / --from-file PATH',
    });
  }
  const { askHidden } = await import('./prompts.ts');
  const first = await askHidden(io, `Value for ${options.what}:`);
  const bytes = Buffer.from(first, 'utf8');
  checkValue(bytes, 'the prompt');
  const second = await askHidden(io, 'Again, to confirm:');
  if (second !== first) throw new SstoreError('validation', 'the two values differ; nothing was changed', { reason: 'value_mismatch' });
  return first;
}
