import { SstoreError } from '../../errors.ts';

/** SQLite's primary result codes that mean "no room to write" (extended codes keep them in their low byte). */
const SQLITE_FULL = 13;
/** SQLITE_IOERR: a write that failed below SQLite, ENOSPC among the causes. */
const SQLITE_IOERR = 10;
/** SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY: extended codes, matched whole. */
const UNIQUE_CODES = new Set([2067, 1555]);

function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

/** Whether a SQLite failure is a unique (or primary key) violation: by its code, never by its message's words. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && UNIQUE_CODES.has(code);
}

/**
 * Whether a SQLite failure means the disk (or its quota) is full. Such a write changed nothing: SQLite rolls the
 * transaction back, reads go on working, and the next write succeeds once space is freed.
 */
export function isDiskFull(error: unknown): boolean {
  const code = sqliteCode(error);
  if (code === SQLITE_FULL) return true;
  return code === SQLITE_IOERR && /ENOSPC|no space|disk is full/i.test(String((error as Error).message));
}

/**
 * The error a write fails with when the disk is full: 507 Insufficient Storage on the wire (an internal error that
 * names its own status, so the dialects show its message), exit 1 and one line in the CLI.
 */
export function diskFullError(location: string, cause: unknown): SstoreError {
  return new SstoreError('internal', `disk full: cannot write to ${location}; nothing was changed, and writes work again once space is freed`, {
    reason: 'disk_full',
    status: 507,
    hint: 'free some space on that disk (reads keep working meanwhile)',
    cause,
  });
}
