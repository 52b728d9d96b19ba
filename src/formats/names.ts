import { SstoreError } from '../errors.ts';
import type { Entry } from './types.ts';

/** A name every shell, dotenv parser and CI system accepts as an environment variable. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

export function envNameProblem(name: string): string {
  return `"${name}" is not a valid variable name (letters, digits and _, not starting with a digit)`;
}

/**
 * The variable name for a secret name. A valid name is kept as it is; any other (SGP keys are `db-password`) is
 * upper-cased with every other character turned into `_`, so `db-password` becomes `DB_PASSWORD`.
 */
export function envNameFor(name: string, prefix = ''): string {
  const base = isEnvName(name) ? name : name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const full = `${prefix}${base}`;
  return isEnvName(full) ? full : `_${full}`;
}

/**
 * Entries renamed to variable names (with an optional prefix). Two secrets that land on the same variable are a
 * validation error naming both, never a silent overwrite.
 */
export function toEnvEntries(entries: readonly Entry[], prefix = ''): Entry[] {
  if (prefix !== '' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) {
    throw new SstoreError('usage', `--prefix "${prefix}" must be letters, digits and _, not starting with a digit`);
  }
  const seen = new Map<string, string>();
  return entries.map((entry) => {
    const name = envNameFor(entry.name, prefix);
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new SstoreError('validation', `secrets "${earlier}" and "${entry.name}" would both become the variable ${name}`);
    }
    seen.set(name, entry.name);
    return { name, value: entry.value };
  });
}
