import { SstoreError } from '../errors.ts';
import { renameEntries, requireEnvironmentName, type NameTransform } from '../formats/names.ts';
import type { Entry } from '../formats/types.ts';

export interface ChildEnv {
  env: NodeJS.ProcessEnv;
  /** Variables set from secrets. */
  injected: string[];
  /** Variables that already existed and were kept (without --override). */
  kept: string[];
}

/**
 * The child's environment: the parent's, plus one variable per secret, named exactly as the secret (`db-password`
 * stays `db-password`: a process environment holds any name without `=`), unless a name transform is asked for;
 * the prefix goes first. A variable that already exists wins unless `override` is set.
 */
export function buildChildEnv(
  base: NodeJS.ProcessEnv,
  entries: readonly Entry[],
  options: { prefix?: string; override?: boolean; transform?: NameTransform } = {},
): ChildEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  const injected: string[] = [];
  const kept: string[] = [];
  const renamed = renameEntries(entries, { ...(options.prefix !== undefined && { prefix: options.prefix }), ...(options.transform !== undefined && { transform: options.transform }) });
  for (const { name } of renamed) requireEnvironmentName(name);
  for (const { name, value } of renamed) {
    if (value.includes('\0')) throw new SstoreError('validation', `the value of ${name} contains a NUL byte, which no environment variable can hold`);
    if (env[name] !== undefined && options.override !== true) {
      kept.push(name);
      continue;
    }
    env[name] = value;
    injected.push(name);
  }
  return { env, injected, kept };
}

/**
 * With --mask the child writes into a pipe, and many programs then drop colour. When our own stdout is a terminal,
 * FORCE_COLOR=1 (honoured by Node, chalk, Python's rich and others) asks for colour anyway, unless the user has
 * already decided with NO_COLOR or FORCE_COLOR.
 */
export function withColorHint(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): NodeJS.ProcessEnv {
  if (!stdoutIsTTY || env.NO_COLOR !== undefined || env.FORCE_COLOR !== undefined) return env;
  return { ...env, FORCE_COLOR: '1' };
}
