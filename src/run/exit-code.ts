import { constants } from 'node:os';

/** The exit code a shell would report for a child: its own code, or 128 + the number of the signal that ended it. */
export function childExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return 1;
}
