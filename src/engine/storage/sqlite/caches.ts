import type { SQLInputValue } from 'node:sqlite';
import type { SecretRecord, StoreRecord, TokenRecord } from '../../types.ts';
import { MetadataCache } from '../metadata-cache.ts';

/**
 * What a SQLite connection keeps between requests (never a value), and how it stays coherent with other connections:
 * `PRAGMA data_version` changes when any other connection commits, and then everything is dropped. This connection's
 * own writes leave data_version as it is, so they drop what they touch themselves.
 */
export class Caches {
  readonly tokens = new MetadataCache<{ token: TokenRecord; hash: Uint8Array }>(1_000);
  readonly stores = new MetadataCache<StoreRecord>(10_000);
  readonly secrets = new MetadataCache<SecretRecord>(10_000);
  /** Where offset pages end; see paging.ts. */
  readonly anchors = new MetadataCache<{ key: SQLInputValue; seq: number }>(10_000);
  /** The data_version of the last `revalidate`; undefined until the first, and until then nothing is cached. */
  private seenDataVersion: number | undefined;
  /** Reads `PRAGMA data_version`. */
  private readonly dataVersion: () => number;
  private revalidatedThisTurn = false;
  private readonly endTurn = (): void => {
    this.revalidatedThisTurn = false;
  };

  constructor(dataVersion: () => number) {
    this.dataVersion = dataVersion;
  }

  /** Whether lookups may be kept: only after the first `revalidate` (one-shot users never call it). */
  get enabled(): boolean {
    return this.seenDataVersion !== undefined;
  }

  /**
   * Requests read in one poll of the event loop arrived together: one check serves them all, since each was sent after
   * every write acknowledged before that poll. Each check is a read transaction (file-lock system calls), which under
   * load cost more than the rest of a cached GET.
   */
  revalidate(): void {
    if (this.revalidatedThisTurn) return;
    this.revalidatedThisTurn = true;
    setImmediate(this.endTurn);
    const version = this.dataVersion();
    if (version === this.seenDataVersion) return;
    this.drop();
    this.seenDataVersion = version;
  }

  /** Everything: another connection committed, or this one wrote tokens or stores (a store takes its secrets along). */
  drop(): void {
    this.tokens.drop();
    this.stores.drop();
    this.secrets.drop();
    this.anchors.drop();
  }
}
