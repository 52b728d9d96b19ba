import { isSstoreError } from '../errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import type { IO } from './io.ts';

/** Prints an error as one line (plus a hint line where useful) and returns the exit code. No stack trace unless SSTORE_DEBUG=1. */
export function reportError(io: Pick<IO, 'err' | 'env'>, error: unknown): number {
  const debug = io.env.SSTORE_DEBUG === '1';
  if (isSstoreError(error)) {
    io.err(`error: ${oneLine(error.message)}`);
    if (error.hint) io.err(`hint: ${oneLine(error.hint)}`);
    if (debug && error.stack) io.err(error.stack);
    return exitCodeFor(error.kind);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error: ${oneLine(message)}`);
  if (debug && error instanceof Error && error.stack) io.err(error.stack);
  return EXIT.failure;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
