import { constants } from 'node:os';

export interface RunOutcome {
  /** What sstore should exit with: the child's code, 128 + signal number, 127 not found, 126 not executable. */
  exitCode: number;
  /** The signal that ended the child, if one did. */
  signal: NodeJS.Signals | null;
  /** A one-line reason when the command could not be started at all. */
  spawnError?: string;
}

/** The exit code a shell would report for a child: its own code, or 128 + the number of the signal that ended it. */
export function childExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return 1;
}

/** The name of a signal number (as a pseudo-terminal binding reports it); null for 0 or an unknown number. */
export function signalName(signal: number): NodeJS.Signals | null {
  if (signal === 0) return null;
  for (const [name, number] of Object.entries(constants.signals)) if (number === signal) return name as NodeJS.Signals;
  return null;
}
