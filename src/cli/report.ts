import { isSstoreError } from '../errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import type { IO } from './io.ts';

export interface ReportOptions {
  /** `--profile NAME` as given: the commands a hint suggests then name it too, so they act on the same profile. */
  profile?: string | undefined;
}

/** Prints an error as one line (plus a hint line where useful) and returns the exit code. No stack trace unless SSTORE_DEBUG=1. */
export function reportError(io: Pick<IO, 'err' | 'env'>, error: unknown, options: ReportOptions = {}): number {
  const debug = io.env.SSTORE_DEBUG === '1';
  if (isSstoreError(error)) {
    io.err(`error: ${oneLine(error.message)}`);
    if (error.hint) io.err(`hint: ${oneLine(keepProfile(error.hint, options.profile))}`);
    if (debug) printStacks(io, error);
    return exitCodeFor(error.kind);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error: ${oneLine(message)}`);
  if (debug) printStacks(io, error);
  return EXIT.failure;
}

/** SSTORE_DEBUG=1: the error's stack, then each cause's (the SQLite or file-system error under a one-line message). */
function printStacks(io: Pick<IO, 'err'>, error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    io.err(`${depth === 0 ? '' : 'caused by: '}${current.stack ?? current.message}`);
    current = current.cause;
  }
}

/** Commands that manage profiles rather than use one take no `--profile` (`login`/`logout` do: they act on one). */
const PROFILE_FREE = /^sstore (profile (add|set|list|ls|use|rm|remove)|completion|server)\b/;

/** `sstore …` commands quoted in a hint, with `--profile NAME` added where they would otherwise use another profile. */
export function keepProfile(hint: string, profile: string | undefined): string {
  if (profile === undefined) return hint;
  return hint.replace(/`(sstore [^`]*)`/g, (quoted, command: string) =>
    command.includes('--profile') || PROFILE_FREE.test(command) ? quoted : `\`sstore --profile ${profile}${command.slice('sstore'.length)}\``,
  );
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
