import { SstoreError } from '../../../errors.ts';
import { AUDIT_COLUMNS, toAuditEntry } from '../audit-rows.ts';
import type { AccountScope, StorageItem } from '../storage.ts';
import { insertEntries } from './audit.ts';
import { BUMP_VERSION } from './coherence.ts';
import type { Database, Queryable } from './pool.ts';
import { bytes, SECRET_COLUMNS, STORE_COLUMNS, TOKEN_COLUMNS, toSecret, toStore, toToken } from './rows.ts';
import { insertSecrets, insertStoreRow, insertTokenRow } from './writes.ts';

const PAGE = 500;

/**
 * Everything, for `sstore server copy`, in the order it was made, as one snapshot: read in a REPEATABLE READ READ ONLY
 * transaction on one connection, so a write committed meanwhile (the database is shared) is wholly absent, never half
 * in the copy. Read whole before the first item is given, so that no connection is held while the caller works.
 */
export async function* exportAll(db: Database): AsyncIterable<StorageItem> {
  yield* await db.withConnection(async (q, client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      return await readAll(q);
    } finally {
      await client.query('COMMIT').catch(() => {});
    }
  });
}

async function readAll(q: Queryable): Promise<StorageItem[]> {
  const items: StorageItem[] = [];
  for (const row of await q.rows('SELECT key, value FROM sstore_meta ORDER BY key')) {
    items.push({ kind: 'meta', key: row[0] as string, value: row[1] as Uint8Array });
  }
  for (const row of await q.rows(`SELECT ${STORE_COLUMNS} FROM sstore_stores ORDER BY seq`)) {
    items.push({ kind: 'store', store: toStore(row) });
  }
  for (let after = 0; ; ) {
    const rows = await q.rows(
      `SELECT ${SECRET_COLUMNS}, value, seq, version, value_set, value_set_by FROM sstore_secrets WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
      [after],
    );
    for (const row of rows) {
      const current = { version: Number(row[14]), set: row[15] === null ? null : Number(row[15]), setBy: (row[16] as string | null) ?? null };
      items.push({ kind: 'secret', record: toSecret(row), sealed: row[12] as Uint8Array, current });
    }
    if (rows.length < PAGE) break;
    after = rows.at(-1)![13] as number;
  }
  const versions = await q.rows(
    `SELECT s.store_id, v.secret_id, v.version, v.value, v.created, v.actor FROM sstore_secret_versions v
      JOIN sstore_secrets s ON s.id = v.secret_id ORDER BY s.seq, v.version`,
  );
  for (const row of versions) {
    const version = { version: Number(row[2]), created: Number(row[4]), actor: (row[5] as string | null) ?? null, current: false };
    items.push({ kind: 'version', storeId: row[0] as string, secretId: row[1] as string, version, sealed: row[3] as Uint8Array });
  }
  for (const row of await q.rows(`SELECT ${TOKEN_COLUMNS} FROM sstore_tokens ORDER BY created, id`)) {
    items.push({ kind: 'token', token: toToken(row), hash: Buffer.from(row[6] as Uint8Array).toString('hex') });
  }
  for (const row of await q.rows(`SELECT ${AUDIT_COLUMNS} FROM sstore_audit ORDER BY id`)) {
    items.push({ kind: 'audit', entry: toAuditEntry(row) });
  }
  return items;
}

export async function isEmpty(q: Queryable): Promise<boolean> {
  const [row] = await q.rows('SELECT EXISTS (SELECT 1 FROM sstore_stores) OR EXISTS (SELECT 1 FROM sstore_tokens)');
  return row![0] === false;
}

/** Writes what exportAll gave in one transaction (a PostgreSQL transaction may span awaits, so items stream in). */
export async function importAll(db: Database, items: AsyncIterable<StorageItem>, options: { replace: boolean }): Promise<number> {
  return db.transaction(async (q) => {
    // No other writer may add a store or token between the emptiness check and the copy.
    await q.run('LOCK TABLE sstore_stores, sstore_secrets, sstore_tokens, sstore_audit IN SHARE ROW EXCLUSIVE MODE');
    if (options.replace) {
      await q.run('DELETE FROM sstore_secrets');
      await q.run('DELETE FROM sstore_stores');
      await q.run('DELETE FROM sstore_tokens');
      await q.run('DELETE FROM sstore_audit');
    } else if (!(await isEmpty(q)) || (await q.rows('SELECT 1 FROM sstore_audit LIMIT 1')).length > 0) {
      throw new SstoreError('conflict', `${db.location} is not empty`, { reason: 'target_not_empty' });
    }
    const scopes = new Map<string, AccountScope>();
    let count = 0;
    for await (const item of items) {
      count++;
      if (item.kind === 'meta') {
        await q.run('INSERT INTO sstore_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
          item.key,
          bytes(item.value),
        ]);
      } else if (item.kind === 'store') {
        const s = item.store;
        await insertStoreRow(q, s);
        scopes.set(s.id, { namespace: s.namespace, accountId: s.accountId });
      } else if (item.kind === 'secret') {
        const scope = scopes.get(item.record.storeId);
        if (!scope) throw new SstoreError('validation', `secret ${item.record.id} belongs to no copied store`);
        await insertSecrets(q, [{ record: item.record, sealed: item.sealed }], scope, Number.MAX_SAFE_INTEGER);
        if (item.current) {
          const { version, set, setBy } = item.current;
          await q.run('UPDATE sstore_secrets SET version = $1, value_set = $2, value_set_by = $3 WHERE id = $4', [version, set, setBy, item.record.id]);
        }
      } else if (item.kind === 'token') {
        await insertTokenRow(q, item.token, item.hash);
      } else if (item.kind === 'version') {
        const [owner] = await q.rows('SELECT 1 FROM sstore_secrets WHERE id = $1 AND store_id = $2', [item.secretId, item.storeId]);
        if (!owner) throw new SstoreError('validation', `a version of secret ${item.secretId}, which was not copied`);
        const v = item.version;
        await q.run('INSERT INTO sstore_secret_versions (secret_id, version, value, created, actor) VALUES ($1, $2, $3, $4, $5)', [
          item.secretId,
          v.version,
          bytes(item.sealed),
          v.created,
          v.actor,
        ]);
      } else {
        await insertEntries(q, [item.entry]);
      }
    }
    await q.run(BUMP_VERSION);
    return count;
  });
}
