import pg from 'pg';
import { SstoreError } from '../../../errors.ts';
import { classify } from './errors.ts';

/** Bounds and timeouts of one instance's connections; each bounds how long a request can wait on the database. */
export interface PoolSettings {
  /** Connections this instance opens at most; requests beyond them wait for one (up to connectTimeoutMs). */
  max: number;
  /** Connecting, or waiting for a free connection: past it the request fails with 503 instead of hanging. */
  connectTimeoutMs: number;
  /** Enforced by the server (`statement_timeout`), and on the client a second later in case no answer comes. */
  statementTimeoutMs: number;
  /** An idle connection is closed after it, so a pool shrinks back after a burst. */
  idleTimeoutMs: number;
}

export const DEFAULT_POOL: PoolSettings = { max: 16, connectTimeoutMs: 5_000, statementTimeoutMs: 10_000, idleTimeoutMs: 30_000 };

/** What a query runs on: the pool (one statement, autocommit) or one checked-out connection (a transaction). */
export interface Queryable {
  /** Rows as arrays, in the order of the SELECT. */
  rows(sql: string, params?: unknown[]): Promise<unknown[][]>;
  /** The number of rows the statement changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
}

const INT8 = 20;
/**
 * bigint columns (microsecond timestamps, counts, sequence numbers) as numbers: microseconds since 1970 stay below
 * 2^53 until the year 2255. pg returns them as strings by default.
 */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async rows(sql, params = []) {
      return (await target.query({ text: sql, values: params, rowMode: 'array' })).rows as unknown[][];
    },
    async run(sql, params = []) {
      return (await target.query(sql, params)).rowCount ?? 0;
    },
  };
}

/**
 * One instance's connections to the database. A connection that fails is dropped by the pool and the next request
 * opens a new one, so the instance recovers by itself when the database is back. Every failure reaches callers as
 * an SstoreError (see errors.ts): a database that cannot be reached is a 503, never a hang past the timeouts.
 */
export class Database {
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly direct: Queryable;

  constructor(url: string, location: string, settings: PoolSettings = DEFAULT_POOL) {
    this.location = location;
    this.pool = new pg.Pool({
      connectionString: url,
      max: settings.max,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      idleTimeoutMillis: settings.idleTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      query_timeout: settings.statementTimeoutMs + 1_000,
      keepAlive: true,
      application_name: 'sstore',
      types: TYPES,
    });
    // An idle connection that the server closes (a restart) is reported here; without a listener it would crash the
    // process. The pool has already dropped it.
    this.pool.on('error', () => {});
    this.direct = queryable(this.pool);
  }

  async rows(sql: string, params?: unknown[]): Promise<unknown[][]> {
    try {
      return await this.direct.rows(sql, params);
    } catch (error) {
      throw classify(error, this.location);
    }
  }

  async run(sql: string, params?: unknown[]): Promise<number> {
    try {
      return await this.direct.run(sql, params);
    } catch (error) {
      throw classify(error, this.location);
    }
  }

  /** Runs `work` on one connection inside BEGIN … COMMIT; any failure rolls back and is classified. */
  async transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.withConnection(async (q, client) => {
      await client.query('BEGIN');
      try {
        const result = await work(q);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /** One connection for a sequence of statements (migrations hold a session lock on it). */
  async withConnection<T>(work: (q: Queryable, client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw classify(error, this.location);
    }
    let broken: Error | undefined;
    // pg-pool listens for errors only on idle connections: a checked-out one that the server cuts (a restart) emits
    // 'error', which without a listener would crash the process. The query in flight fails by itself.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(queryable(client), client);
    } catch (error) {
      const classified = classify(error, this.location);
      // A connection that failed below SQL is not given back to the pool: the next request opens a fresh one.
      if (classified instanceof SstoreError && classified.reason === 'database_unavailable') broken = classified;
      throw classified;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async reachable(): Promise<boolean> {
    try {
      await this.direct.rows('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
