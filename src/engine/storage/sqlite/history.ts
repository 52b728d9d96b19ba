import { SstoreError } from '../../../errors.ts';
import type { SecretVersion } from '../storage.ts';
import type { Connection } from './connection.ts';

// Secret history on SQLite: the current value's version lives on its secret row; earlier values in secret_versions
// (deleted with their secret by the foreign key's cascade).

/**
 * Keeps the current value of a secret as a version before a new one replaces it, and drops what lies beyond
 * `keep`; returns the new value's version. Inside the caller's transaction. `not_found` when there is no such secret.
 */
export function keepCurrentValue(c: Connection, storeId: string, secretId: string, keep: number): number {
  const row = c
    .rows('SELECT value, version, COALESCE(value_set, created), COALESCE(value_set_by, created_by) FROM secrets WHERE store_id = ? AND id = ?')
    .get(storeId, secretId);
  if (!row) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
  const version = row[1] as number;
  if (keep > 0) {
    c.stmt('INSERT INTO secret_versions (secret_id, version, value, created, actor) VALUES (?, ?, ?, ?, ?)').run(
      secretId,
      version,
      row[0] as Uint8Array,
      row[2] as number,
      (row[3] as string | null) ?? null,
    );
  }
  c.stmt('DELETE FROM secret_versions WHERE secret_id = ? AND version <= ?').run(secretId, version - keep);
  return version + 1;
}

export function listVersions(c: Connection, storeId: string, secretId: string): SecretVersion[] {
  const current = c
    .rows('SELECT version, COALESCE(value_set, created), COALESCE(value_set_by, created_by) FROM secrets WHERE store_id = ? AND id = ?')
    .get(storeId, secretId);
  if (!current) return [];
  const earlier = c.rows('SELECT version, created, actor FROM secret_versions WHERE secret_id = ? ORDER BY version DESC').all(secretId);
  return [current, ...earlier].map((row, i) => ({
    version: row[0] as number,
    created: row[1] as number,
    actor: (row[2] as string | null) ?? null,
    current: i === 0,
  }));
}

export function getSealedVersion(c: Connection, storeId: string, secretId: string, version: number): Uint8Array | undefined {
  const current = c.rows('SELECT version, value FROM secrets WHERE store_id = ? AND id = ?').get(storeId, secretId);
  if (!current) return undefined;
  if (current[0] === version) return current[1] as Uint8Array;
  const row = c.rows('SELECT value FROM secret_versions WHERE secret_id = ? AND version = ?').get(secretId, version);
  return row ? (row[0] as Uint8Array) : undefined;
}
