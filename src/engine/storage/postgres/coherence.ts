import type { SecretRecord, StoreRecord, TokenRecord } from '../../types.ts';
import { MetadataCache } from '../metadata-cache.ts';
import type { Database } from './pool.ts';

/** The statement every write that changes a cacheable record runs in its transaction (see Coherence). */
export const BUMP_VERSION = 'UPDATE sstore_version SET version = version + 1';

/**
 * Caches of records read often and changed rarely (tokens by hash, stores and secrets by id; never a value), kept
 * coherent across server instances by a version row. Every write that changes or removes such a record bumps
 * `sstore_version.version` in its own transaction (inserts do not: a miss is never cached). `revalidate` reads the
 * version before a request reads anything and drops every cache when it moved, so a write acknowledged by any
 * instance is seen by the next request any instance receives: a revoked token is refused at once, everywhere.
 *
 * Requests that arrive in the same turn of the event loop share one check: they were all received before the check
 * is sent, so any write acknowledged before they arrived is committed before the check runs. A read that was in
 * flight while a check dropped the caches does not fill them (the generation moved), so no entry read before a
 * write can outlive the check that saw it. Measured against no cache in bench/pg-coherence.mjs (docs/architecture.md).
 */
export class Coherence {
  readonly tokens = new MetadataCache<{ token: TokenRecord; hash: Uint8Array }>(1_000);
  readonly stores = new MetadataCache<StoreRecord>(10_000);
  readonly secrets = new MetadataCache<SecretRecord>(10_000);
  private readonly db: Database;
  /** The version of the last check; undefined until the first, and until then nothing is cached. */
  private seenVersion: number | undefined;
  /** Moves with every drop: a read started before it does not fill a cache after it. */
  private generation = 0;
  /** The check the requests of this turn share. */
  private current: Promise<void> | undefined;
  private readonly endTurn = (): void => {
    this.current = undefined;
  };

  constructor(db: Database) {
    this.db = db;
  }

  revalidate(): Promise<void> {
    if (this.current) return this.current;
    this.current = this.check();
    setImmediate(this.endTurn);
    return this.current;
  }

  private async check(): Promise<void> {
    const [row] = await this.db.rows('SELECT version FROM sstore_version');
    const version = Number(row![0]);
    if (version === this.seenVersion) return;
    this.drop();
    this.seenVersion = version;
  }

  /** The generation a read starts in, to hand to `fill` with what it read. */
  get now(): number {
    return this.generation;
  }

  /** Caches a record read in generation `startedIn`, unless a drop happened meanwhile or nothing is checked yet. */
  fill<T>(cache: MetadataCache<T>, key: string, value: T, startedIn: number): void {
    if (this.seenVersion !== undefined && startedIn === this.generation) cache.set(key, value);
  }

  /** After this instance's own writes (which the version also records, for the other instances). */
  drop(): void {
    this.generation++;
    this.tokens.drop();
    this.stores.drop();
    this.secrets.drop();
  }
}
