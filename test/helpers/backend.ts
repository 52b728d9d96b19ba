/**
 * Which storage the server tests run on: SQLite data dirs (the default), or PostgreSQL with
 * SSTORE_TEST_BACKEND=postgres (scripts/test.sh runs test/server/ both ways). On PostgreSQL each data dir a test asks
 * for stands for one fresh database, so a test that restarts a server "on the same data dir", or runs the CLI
 * against it, reaches the same database; every server and CLI call gets the run's master key. The URL goes in
 * SSTORE_DATABASE_URL, as the README advises for a URL with a password (`--database` would print a warning about
 * argv into the stderr the tests read); test/server/postgres-instances.test.ts tests the flag itself.
 */
import { randomBytes } from 'node:crypto';
import { freshDatabase } from './postgres.ts';

export type Backend = 'sqlite' | 'postgres';

export const BACKEND: Backend = process.env.SSTORE_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** `--database` needs SSTORE_MASTER_KEY: 32 random bytes in base64, as src/engine/master-key.ts decodes it. */
export const TEST_MASTER_KEY = randomBytes(32).toString('base64');

const databases = new Map<string, Promise<string>>();

/** The database that stands for `dataDir` on PostgreSQL, made on first use. */
export function databaseFor(dataDir: string): Promise<string> {
  let url = databases.get(dataDir);
  if (!url) {
    url = freshDatabase();
    databases.set(dataDir, url);
  }
  return url;
}

/**
 * The flags and environment that point `server start` or `server token …` at the storage of `dataDir`: `--data`,
 * or on PostgreSQL its database and the run's master key (unless `env` has a key of its own).
 */
export async function storageFor(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ args: string[]; env: NodeJS.ProcessEnv }> {
  if (BACKEND === 'sqlite') return { args: ['--data', dataDir], env };
  return { args: [], env: { SSTORE_MASTER_KEY: TEST_MASTER_KEY, ...env, SSTORE_DATABASE_URL: await databaseFor(dataDir) } };
}

/**
 * Options for a test that can only run on SQLite: skipped, with the reason, when the suite runs on PostgreSQL. The
 * reason says what the test reads or does that has no PostgreSQL counterpart (the database file, the data dir).
 */
export function sqliteOnly(reason: string): { skip: string | false } {
  return { skip: BACKEND === 'postgres' ? `SQLite only: ${reason}` : false };
}
