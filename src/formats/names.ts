import { SstoreError } from '../errors.ts';
import type { Entry } from './types.ts';

/**
 * Names are kept exactly by default: a secret `db-password` is exported, imported and run as `db-password`, so that
 * `sstore export > .env && sstore import .env --prune` changes nothing. A name transform is an explicit opt-in for
 * tools that need shell identifiers. Doppler's `--name-transformer` vocabulary (camel, lower-kebab, tf-var, …) was
 * not taken: it converts from Doppler's own upper-snake names to other styles, while here the need is the other way,
 * from any provider's names to variable names, so the flag is `--name-transform` with its own two values.
 */
export const NAME_TRANSFORMS = ['none', 'upper-snake'] as const;
export type NameTransform = (typeof NAME_TRANSFORMS)[number];

/** A name every POSIX shell accepts in `export NAME=…` and `$NAME`, and GitHub Actions in `env.NAME`. */
export const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The keys the `dotenv` package reads (`[\w.-]+` in both of its parsers); `sstore import` reads the same. */
export const DOTENV_NAME = /^[\w.-]+$/;

/** `upper-snake`: upper-cased, every other character `_`, a leading digit behind `_` (`db-password` → `DB_PASSWORD`, `2fa` → `_2FA`). */
export function upperSnake(name: string): string {
  const base = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(base) ? `_${base}` : base;
}

export interface RenameOptions {
  transform?: NameTransform;
  prefix?: string;
}

/**
 * Entries under the names they are exported or run with: the transform, then the prefix. Two secrets that land on
 * one name are an error naming both, never a silent overwrite.
 */
export function renameEntries(entries: readonly Entry[], options: RenameOptions = {}): Entry[] {
  const prefix = options.prefix ?? '';
  if (prefix !== '' && !SHELL_NAME.test(prefix)) {
    throw new SstoreError('usage', `--prefix must be letters, digits and _, not starting with a digit`, { reason: 'prefix_invalid' });
  }
  const transform = options.transform === 'upper-snake' ? upperSnake : (name: string) => name;
  const seen = new Map<string, string>();
  return entries.map((entry) => {
    const name = `${prefix}${transform(entry.name)}`;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new SstoreError('validation', `secrets "${earlier}" and "${entry.name}" would both become ${name}`, {
        reason: 'name_collision',
        hint: '--only leaves one of them out',
      });
    }
    seen.set(name, entry.name);
    return { name, value: entry.value };
  });
}

/** The hint every refusal of a name gives: the transform, or a format that keeps names exactly. */
function renameHint(name: string, formats: string): string {
  const suggested = upperSnake(name);
  return `--name-transform upper-snake exports it as ${suggested}; or use ${formats}, which keep names exactly`;
}

/** `shell` and `github` need shell identifiers: `export my-key=…` is not valid sh, and `$my-key` is `$my` then `-key`. */
export function requireShellName(name: string, format: 'shell' | 'github'): void {
  if (SHELL_NAME.test(name)) return;
  throw new SstoreError('validation', `secret "${name}" is not a shell variable name, so --format ${format} cannot hold it`, {
    reason: 'name_not_representable',
    hint: renameHint(name, '--format dotenv, json or yaml'),
  });
}

/** `dotenv` holds the names the `dotenv` package reads: letters, digits, `_`, `-` and `.` (every provider's names fit). */
export function requireDotenvName(name: string): void {
  if (DOTENV_NAME.test(name)) return;
  throw new SstoreError('validation', `secret "${name}" cannot be a dotenv name (letters, digits, "_", "-" and "." only)`, {
    reason: 'name_not_representable',
    hint: renameHint(name, '--format json or yaml'),
  });
}

/** An environment variable can hold any name but an empty one, one with `=` (the separator) or a NUL byte. */
export function requireEnvironmentName(name: string): void {
  if (name !== '' && !/[=\0]/.test(name)) return;
  throw new SstoreError('validation', `secret "${name.replace(/\0/g, '\\0')}" cannot be an environment variable name (it is empty or holds "=" or a NUL byte)`, {
    reason: 'name_not_representable',
  });
}
