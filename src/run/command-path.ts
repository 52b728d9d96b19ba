import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';

/** Why a command cannot start, as a shell says it: 127 when it is not there, 126 when it cannot be run. */
export interface StartFailure {
  exitCode: 127 | 126;
  spawnError: string;
}

const DEFAULT_PATH = '/bin:/usr/bin'; // what execvp(3) searches when PATH is unset

/**
 * Checks that a command can be started, the way execvp(3) will look for it: a name with a `/` is a path (from
 * `cwd`), any other name is searched in the child's PATH. A pseudo-terminal binding reports a failed exec only as
 * exit code 1 and a message on the terminal, so this check gives `run --mask` on a terminal the same one-line error
 * and exit code as a plain spawn. Returns undefined when the command can start.
 */
export function checkCommand(command: string, env: NodeJS.ProcessEnv, cwd: string): StartFailure | undefined {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(cwd, command)]
    : (env.PATH ?? DEFAULT_PATH).split(delimiter).map((dir) => resolve(cwd, dir === '' ? '.' : dir, command));
  let found = false;
  for (const candidate of candidates) {
    let isFile: boolean;
    try {
      isFile = statSync(candidate).isFile();
    } catch {
      continue;
    }
    found = true;
    if (!isFile) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return undefined;
    } catch {
      // found, not executable: keep looking, as execvp does
    }
  }
  return found
    ? { exitCode: 126, spawnError: `cannot run ${command}: EACCES` }
    : { exitCode: 127, spawnError: `command not found: ${command}` };
}
