import { dataDir } from '../../../config/paths.ts';
import { parseTarget, redactUrl, type StorageTarget } from '../../../engine/storage/target.ts';
import { SstoreError } from '../../../errors.ts';
import type { Context } from '../../context.ts';

export interface TargetOptions {
  data?: string;
  database?: string;
}

/** `--database` (PostgreSQL), beside `--data` (SQLite) on every command that opens a server's data. */
export const DATABASE_FLAGS = '--database <url>';
export const DATABASE_HELP =
  'a PostgreSQL database several servers share: postgres://user@host/db (default: SSTORE_DATABASE_URL; prefer it when the URL holds a password)';

/**
 * Where a command's data lives. A flag beats a variable; `--database` and `--data` together are a mistake, not a
 * precedence. The URL itself is never printed here (it may hold a password).
 */
export function targetFrom(options: TargetOptions, ctx: Context): StorageTarget {
  if (options.data !== undefined && options.database !== undefined) {
    throw new SstoreError('usage', '--data (SQLite) and --database (PostgreSQL) exclude each other: give one');
  }
  const url = options.database ?? (options.data === undefined ? ctx.io.env.SSTORE_DATABASE_URL || undefined : undefined);
  if (url !== undefined) {
    const target = parseTarget(url);
    const from = options.database !== undefined ? '--database' : 'SSTORE_DATABASE_URL';
    if (target.kind !== 'postgres') {
      throw new SstoreError('usage', `${from} takes a postgres:// or postgresql:// URL`, { reason: 'database_url_invalid' });
    }
    if (!URL.canParse(url)) {
      throw new SstoreError('usage', `${from} is not a valid URL: ${redactUrl(url)}`, {
        reason: 'database_url_invalid',
        hint: 'postgres://USER:PASSWORD@HOST:PORT/DATABASE, with special characters in the password percent-encoded',
      });
    }
    if (options.database !== undefined) warnOfPassword(ctx, '--database', url, 'SSTORE_DATABASE_URL');
    return target;
  }
  return { kind: 'sqlite', dataDir: options.data ?? dataDir(ctx.io.env) };
}

/** A URL given in argv that holds a password: other users see it in the process list. */
export function warnOfPassword(ctx: Context, flag: string, url: string, instead: string): void {
  if (/\/\/[^/@]*:[^/@]*@/.test(url)) {
    ctx.io.err(`sstore: warning: the ${flag} URL holds a password, visible to other users in the process list; prefer ${instead}`);
  }
}
