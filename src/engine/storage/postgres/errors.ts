import pg from 'pg';
import { SstoreError } from '../../../errors.ts';

/** SQLSTATE 23505: a UNIQUE or PRIMARY KEY constraint refused a row; `constraint` names which one. */
const UNIQUE_VIOLATION = '23505';
/**
 * Server-reported states that mean "not now" rather than "wrong": class 08 (connection exception), 53300 (too many
 * connections), 57P01–57P03 (admin or crash shutdown, cannot connect now), 57014 (a statement timed out).
 */
const UNAVAILABLE_STATES = new Set(['53300', '57P01', '57P02', '57P03', '57014']);

/** The constraint a unique violation names, or undefined when the error is something else. */
export function violatedConstraint(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION ? error.constraint : undefined;
}

/**
 * Whether a failure means the database cannot be used now: every error that PostgreSQL itself did not report (a
 * refused or cut connection, a DNS failure, pg-pool's connect timeout, a query that got no answer in time) and the
 * server states above. Decided by the error's class and SQLSTATE, never by its message.
 */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof SstoreError) return error.reason === 'database_unavailable';
  if (!(error instanceof pg.DatabaseError)) return true;
  return error.code !== undefined && (error.code.startsWith('08') || UNAVAILABLE_STATES.has(error.code));
}

/** The one error of a database that cannot be reached: 503 with Retry-After on the wire, exit 1 in the CLI. */
export function unavailableError(location: string, cause: unknown): SstoreError {
  const why = cause instanceof Error && cause.message ? `: ${cause.message}` : '';
  return new SstoreError('internal', `database unavailable (${location})${why}`, {
    reason: 'database_unavailable',
    status: 503,
    hint: 'check that PostgreSQL is running and reachable; requests succeed again by themselves once it is',
    cause,
  });
}

/**
 * Unavailability as its SstoreError; anything else unexpected as a plain Error that names the database (without its
 * password): the CLI prints it in one line, the server logs it and tells the client only "internal server error",
 * as it does with SQLite's own errors.
 */
export function classify(error: unknown, location: string): unknown {
  if (error instanceof SstoreError) return error;
  if (isUnavailable(error)) return unavailableError(location, error);
  // SQLSTATE 22021: text PostgreSQL cannot hold (U+0000). The engine keeps it out on both backends (engine/nul.ts);
  // this is the backstop for any text that slips past: the request's fault, never a 500.
  if (error instanceof pg.DatabaseError && error.code === '22021') {
    return new SstoreError('validation', 'the request holds a character the database cannot store (a NUL byte)', { reason: 'invalid_character' });
  }
  const code = error instanceof pg.DatabaseError && error.code ? ` (SQLSTATE ${error.code})` : '';
  return new Error(`database error in ${location}: ${(error as Error).message}${code}`, { cause: error });
}
