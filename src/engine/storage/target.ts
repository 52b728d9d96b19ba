import { join } from 'node:path';
import type { Storage } from './storage.ts';

/** The file of the embedded backend inside its data directory. */
export const DATABASE_FILE_NAME = 'sstore.db';

/**
 * Where a server's data lives: a data directory (SQLite, `--data`) or a PostgreSQL database (`--database`,
 * `SSTORE_DATABASE_URL`). The one place that tells them apart, so every command that takes either agrees.
 */
export type StorageTarget = { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string };

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** A `postgres://` or `postgresql://` URL is a database; anything else is a data directory. */
export function parseTarget(text: string): StorageTarget {
  return POSTGRES_URL.test(text) ? { kind: 'postgres', url: text } : { kind: 'sqlite', dataDir: text };
}

/** A database URL with its password replaced, fit for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/** What a target is called in messages: the data directory, or the URL without its password. */
export function describeTarget(target: StorageTarget): string {
  return target.kind === 'sqlite' ? target.dataDir : redactUrl(target.url);
}

/** The SQLite file of a data directory target. */
export function sqliteFile(target: { dataDir: string }): string {
  return join(target.dataDir, DATABASE_FILE_NAME);
}

/**
 * Opens a target's storage, unmigrated (the engine proves the master key first). Backends are imported on demand: a
 * command that uses SQLite never loads the PostgreSQL client, and the reverse.
 */
export async function openStorage(target: StorageTarget, options: { readOnly?: boolean } = {}): Promise<Storage> {
  if (target.kind === 'sqlite') {
    const { openSqliteStorage } = await import('./sqlite.ts');
    return openSqliteStorage(sqliteFile(target), options);
  }
  const { openPostgresStorage } = await import('./postgres/index.ts');
  return openPostgresStorage(target.url, redactUrl(target.url));
}
