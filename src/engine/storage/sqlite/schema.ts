import type { DatabaseSync } from 'node:sqlite';
import { SstoreError } from '../../../errors.ts';
import { MIGRATIONS } from '../migrations.ts';

/** The schema version of a SQLite file: `PRAGMA user_version` records the last migration applied (0: none). */
export function userVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
}

/**
 * Brings the file to the newest schema, one transaction per migration. Several processes may start at once: each
 * step re-reads the version under the write lock and skips what another process applied meanwhile.
 */
export function migrate(db: DatabaseSync, path: string): void {
  const current = userVersion(db);
  if (current === 0 && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").get() !== undefined) {
    // Another program's SQLite file: sstore must not add its tables to it.
    throw new SstoreError('usage', `${path} is not an sstore database (it holds tables sstore did not make); sstore added nothing to it`, {
      reason: 'database_foreign',
      hint: 'point SSTORE_DATA_DIR (or --data) at a folder of its own',
    });
  }
  if (current > MIGRATIONS.length) {
    throw new SstoreError(
      'internal',
      `database schema version ${current} is newer than this sstore understands (${MIGRATIONS.length}): upgrade sstore`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Re-read inside the lock: another process may have migrated meanwhile.
      const now = userVersion(db);
      if (now === version) {
        db.exec(MIGRATIONS[version]!);
        db.exec(`PRAGMA user_version = ${version + 1}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}
