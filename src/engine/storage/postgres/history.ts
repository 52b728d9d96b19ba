import { SstoreError } from '../../../errors.ts';
import type { SecretVersion } from '../storage.ts';
import type { Queryable } from './pool.ts';

// Secret history on PostgreSQL, as SQLite's (sqlite/history.ts): the current value's version on its secret row,
// earlier values in sstore_secret_versions (deleted with their secret by the foreign key's cascade).

/** Keeps the current value as a version, drops what lies beyond `keep`; returns the new value's version. */
export async function keepCurrentValue(q: Queryable, storeId: string, secretId: string, keep: number): Promise<number> {
  // FOR UPDATE: two updates of one secret take their turns, so each keeps the value the other replaced.
  const [row] = await q.rows(
    `SELECT value, version, COALESCE(value_set, created), COALESCE(value_set_by, created_by) FROM sstore_secrets
      WHERE store_id = $1 AND id = $2 FOR UPDATE`,
    [storeId, secretId],
  );
  if (!row) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
  const version = Number(row[1]);
  if (keep > 0) {
    await q.run('INSERT INTO sstore_secret_versions (secret_id, version, value, created, actor) VALUES ($1, $2, $3, $4, $5)', [
      secretId,
      version,
      row[0],
      row[2],
      row[3],
    ]);
  }
  await q.run('DELETE FROM sstore_secret_versions WHERE secret_id = $1 AND version <= $2', [secretId, version - keep]);
  return version + 1;
}

export async function listVersions(q: Queryable, storeId: string, secretId: string): Promise<SecretVersion[]> {
  const [current] = await q.rows(
    'SELECT version, COALESCE(value_set, created), COALESCE(value_set_by, created_by) FROM sstore_secrets WHERE store_id = $1 AND id = $2',
    [storeId, secretId],
  );
  if (!current) return [];
  const earlier = await q.rows('SELECT version, created, actor FROM sstore_secret_versions WHERE secret_id = $1 ORDER BY version DESC', [secretId]);
  return [current, ...earlier].map((row, i) => ({
    version: Number(row[0]),
    created: Number(row[1]),
    actor: (row[2] as string | null) ?? null,
    current: i === 0,
  }));
}

export async function getSealedVersion(q: Queryable, storeId: string, secretId: string, version: number): Promise<Uint8Array | undefined> {
  const [row] = await q.rows(
    `SELECT CASE WHEN s.version = $3 THEN s.value ELSE v.value END FROM sstore_secrets s
      LEFT JOIN sstore_secret_versions v ON v.secret_id = s.id AND v.version = $3 WHERE s.store_id = $1 AND s.id = $2`,
    [storeId, secretId, version],
  );
  return (row?.[0] as Uint8Array | null | undefined) ?? undefined;
}
