import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SstoreError } from '../errors.ts';

/**
 * Makes sure a data directory can hold the embedded store before SQLite touches it, and says in one line why not.
 * `create: false` (read-only commands) never creates anything: a missing store is `not_found`.
 */
export function prepareDataDir(dir: string, databaseFile: string, options: { create: boolean }): void {
  const where = 'the data directory (SSTORE_DATA_DIR or --data)';
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new SstoreError('usage', `${dir} is not a directory: ${where} must be a folder`, { reason: 'data_dir_invalid' });
    }
    try {
      accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new SstoreError('permission', `cannot read and write ${dir}, ${where} (${codeOf(error)})`, {
        reason: 'data_dir_denied',
        hint: 'fix its permissions (it should be yours, mode 0700), or point SSTORE_DATA_DIR elsewhere',
        cause: error,
      });
    }
    if (options.create || existsSync(join(dir, databaseFile))) return;
  }
  if (!options.create) {
    throw new SstoreError('not_found', `no embedded store in ${dir}; nothing was created`, {
      reason: 'store_missing',
      hint: 'check --data (or SSTORE_DATA_DIR); a store is created by the first command that writes to it',
    });
  }
  makeDirectory(resolve(dir), where);
}

/**
 * `mkdir -p`, one level at a time. Not `mkdirSync(…, { recursive: true })`: on a path no folder can be made in (such as
 * `/proc/x`, where mkdir answers ENOENT under an existing parent) Node's recursive mkdir retries for ever.
 */
function makeDirectory(dir: string, where: string): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      const code = codeOf(error);
      if (code === 'EEXIST' && statSync(path).isDirectory()) continue; // made meanwhile by another process
      const denied = code === 'EACCES' || code === 'EPERM';
      const part = path === dir ? '' : `: ${path} cannot be made`;
      throw new SstoreError(denied ? 'permission' : 'usage', `cannot create ${dir}, ${where}${part} (${code})`, {
        reason: 'data_dir_invalid',
        hint: 'point SSTORE_DATA_DIR (or --data) at a folder you can write to',
        cause: error,
      });
    }
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'error';
}
