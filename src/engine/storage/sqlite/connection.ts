import { chmodSync, existsSync } from 'node:fs';
import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import { SstoreError } from '../../../errors.ts';
import { diskFullError, isDiskFull } from '../sqlite-errors.ts';

/** A row as an object, for the few reads off the hot path (meta, tokens). */
export type Row = Record<string, SQLInputValue>;
/**
 * A row as an array, in the order of its SELECT: what store and secret reads use. node:sqlite builds a row object
 * property by property, and reading those objects back is slow; arrays halve the cost of a page of 100.
 */
export type Values = SQLOutputValue[];

/** A statement made with setReturnArrays(true), typed as such. */
export interface ArrayStatement {
  get(...params: SQLInputValue[]): Values | undefined;
  all(...params: SQLInputValue[]): Values[];
}

const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens the file: WAL for concurrent readers, `synchronous=FULL` so a commit survives power loss, foreign keys on, and
 * a busy timeout so that two writing processes queue instead of failing. A new file is made 0600. A read-only
 * connection sets only the timeout: it never checkpoints the WAL into the file when it closes, so a master key is
 * proven on one without writing.
 */
export async function openDatabase(path: string, readOnly: boolean): Promise<DatabaseSync> {
  // Imported here, not at the top: node:sqlite prints an ExperimentalWarning on Node 22 at import time, and the
  // launcher filters that warning before this runs; it also keeps start-up free of it for commands without a store.
  const { DatabaseSync } = await import('node:sqlite');
  const isNew = !existsSync(path);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly });
  } catch (error) {
    throw new SstoreError('internal', `cannot open database ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (readOnly) {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return db;
  }
  if (isNew) chmodSync(path, 0o600);
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
  } catch (error) {
    db.close();
    throw new SstoreError('internal', `cannot use database ${path}: ${(error as Error).message}`, { cause: error });
  }
  return db;
}

/**
 * One open database and what every query goes through: prepared statements kept by their SQL text (a fixed set), and
 * write transactions.
 */
export class Connection {
  readonly db: DatabaseSync;
  readonly location: string;
  private readonly statements = new Map<string, StatementSync>();
  private readonly arrayStatements = new Map<string, ArrayStatement>();
  /** Told before every write transaction: any write may move rows between pages (the offset anchors). */
  private readonly beforeWrite: () => void;

  constructor(db: DatabaseSync, location: string, beforeWrite: () => void) {
    this.db = db;
    this.location = location;
    this.beforeWrite = beforeWrite;
  }

  stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** A statement whose rows are arrays (see Values). */
  rows(sql: string): ArrayStatement {
    let statement = this.arrayStatements.get(sql);
    if (!statement) {
      const prepared = this.db.prepare(sql);
      prepared.setReturnArrays(true);
      statement = prepared as unknown as ArrayStatement;
      this.arrayStatements.set(sql, statement);
    }
    return statement;
  }

  /** `work` in one `BEGIN IMMEDIATE` transaction: the write lock is taken first, so a check inside stays true. */
  transaction<T>(work: () => T): T {
    this.beforeWrite();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite may have rolled back already (a full disk does): a second ROLLBACK would replace the real error.
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw this.classify(error);
    }
  }

  /** A full disk named as such; any other error as it is. */
  classify(error: unknown): unknown {
    return isDiskFull(error) ? diskFullError(this.location, error) : error;
  }
}
