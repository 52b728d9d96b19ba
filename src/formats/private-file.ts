import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SstoreError } from '../errors.ts';

/**
 * Writes secret-bearing text to `path` so that it is never readable by others, not even for a moment: the text
 * goes into a new 0600 file beside the target (O_EXCL, so nothing can be there first), is flushed to disk, and
 * the file is renamed over the target. An existing file at `path` is replaced, whatever its mode was.
 */
export function writePrivateFile(path: string, text: string): void {
  replaceFile(path, text, 0o600);
}

/**
 * Replaces `path` in one rename with a file of `mode` (a new file beside it, flushed first): a reader sees the old
 * file or the new one, never half of it. `writePrivateFile` is this with 0600.
 */
export function replaceFile(path: string, text: string, mode: number): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      // The umask may have narrowed the mode given to open: a replaced file keeps exactly the mode asked for.
      fchmodSync(fd, mode);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw fileError(path, error);
  }
}

/** Appends to `path` (e.g. $GITHUB_ENV), creating it 0600 when it does not exist. */
export function appendPrivateFile(path: string, text: string): void {
  try {
    const fd = openSync(path, 'a', 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw fileError(path, error);
  }
}

function fileError(path: string, error: unknown): SstoreError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unknown error');
  return new SstoreError('validation', `cannot write ${path}: ${reason}`, { cause: error });
}
