/**
 * Records read often and changed rarely (tokens by hash, stores and secrets by id), kept between requests. Another process
 * sharing the database (`sstore server token revoke`, the CLI's embedded store) may change them at any time, so the
 * owner calls `revalidate` with SQLite's `PRAGMA data_version` before each request: any commit by another connection
 * changes it, and then everything is dropped. The owner's own writes call `drop` themselves, since they leave
 * data_version unchanged. Only metadata lives here, never a secret value.
 */
export class MetadataCache<T> {
  private readonly maxEntries: number;
  private readonly entries = new Map<string, T>();

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: T): void {
    // Bounded without bookkeeping: a full cache starts again (it refills from the hot keys within a few requests).
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  drop(): void {
    this.entries.clear();
  }
}
