import { SstoreError } from '../../../errors.ts';
import { AUDIT_COLUMNS, toAuditEntry } from '../audit-rows.ts';
import type { AccountScope, StorageItem } from '../storage.ts';
import { insertEntries } from './audit.ts';
import type { Caches } from './caches.ts';
import type { Connection, Row } from './connection.ts';
import { SECRET_COLUMNS, STORE_COLUMNS, toSecret, toStore, toToken } from './rows.ts';
import { insertSecretRows, insertStoreRow, insertTokenRow } from './writes.ts';

// The whole database out and in, for `sstore server copy`: rows in the order they were made, so that a copy lists
// (ties included) exactly as its source.

const SECRETS_PER_READ = 500;

/**
 * One snapshot, read in a transaction held open across the yields: a write committed meanwhile by another connection
 * is wholly absent from the copy, never half in it. Hence a connection of its own (as `sstore server copy` opens).
 */
export async function* exportAll(c: Connection): AsyncIterable<StorageItem> {
  c.db.exec('BEGIN');
  try {
    yield* readAll(c);
  } finally {
    if (c.db.isTransaction) c.db.exec('COMMIT');
  }
}

function* readAll(c: Connection): Iterable<StorageItem> {
  for (const row of c.stmt('SELECT key, value FROM meta ORDER BY key').all() as Row[]) {
    yield { kind: 'meta', key: row.key as string, value: row.value as Uint8Array };
  }
  for (const row of c.rows(`SELECT ${STORE_COLUMNS} FROM stores ORDER BY seq`).all()) {
    yield { kind: 'store', store: toStore(row) };
  }
  // A page at a time: a large store is never held in memory whole.
  const page = c.rows(
    `SELECT ${SECRET_COLUMNS}, value, seq, version, value_set, value_set_by FROM secrets WHERE seq > ? ORDER BY seq LIMIT ${SECRETS_PER_READ}`,
  );
  for (let after = 0; ; ) {
    const rows = page.all(after);
    for (const row of rows) {
      const current = { version: row[14] as number, set: (row[15] as number | null) ?? null, setBy: (row[16] as string | null) ?? null };
      yield { kind: 'secret', record: toSecret(row), sealed: row[12] as Uint8Array, current };
    }
    if (rows.length < SECRETS_PER_READ) break;
    after = rows.at(-1)![13] as number;
  }
  const versions = c.rows(
    `SELECT s.store_id, v.secret_id, v.version, v.value, v.created, v.actor FROM secret_versions v JOIN secrets s ON s.id = v.secret_id
      ORDER BY s.seq, v.version`,
  );
  for (const row of versions.all()) {
    const version = { version: row[2] as number, created: row[4] as number, actor: (row[5] as string | null) ?? null, current: false };
    yield { kind: 'version', storeId: row[0] as string, secretId: row[1] as string, version, sealed: row[3] as Uint8Array };
  }
  for (const row of c.stmt('SELECT * FROM tokens ORDER BY created, id').all() as Row[]) {
    yield { kind: 'token', token: toToken(row), hash: Buffer.from(row.hash as Uint8Array).toString('hex') };
  }
  const entries = c.rows(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE id > ? ORDER BY id LIMIT ${SECRETS_PER_READ}`);
  for (let after = 0; ; ) {
    const rows = entries.all(after);
    for (const row of rows) yield { kind: 'audit', entry: toAuditEntry(row) };
    if (rows.length < SECRETS_PER_READ) break;
    after = rows.at(-1)![0] as number;
  }
}

/** Everything in one transaction, all or nothing. */
export async function importAll(
  c: Connection,
  caches: Caches,
  items: AsyncIterable<StorageItem>,
  options: { replace: boolean },
): Promise<number> {
  // Collected first: a SQLite transaction cannot stay open across awaits another caller might interleave with.
  const all: StorageItem[] = [];
  for await (const item of items) all.push(item);
  caches.drop();
  return c.transaction(() => {
    if (options.replace) {
      c.stmt('DELETE FROM secrets').run();
      c.stmt('DELETE FROM stores').run();
      c.stmt('DELETE FROM tokens').run();
      c.stmt('DELETE FROM audit').run();
    } else if (
      c.stmt('SELECT 1 FROM stores LIMIT 1').get() !== undefined ||
      c.stmt('SELECT 1 FROM tokens LIMIT 1').get() !== undefined ||
      c.stmt('SELECT 1 FROM audit LIMIT 1').get() !== undefined
    ) {
      throw new SstoreError('conflict', `${c.location} is not empty`, { reason: 'target_not_empty' });
    }
    const scopes = new Map<string, AccountScope>();
    for (const item of all) {
      if (item.kind === 'meta') {
        c.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(item.key, item.value);
      } else if (item.kind === 'store') {
        insertStoreRow(c, item.store);
        scopes.set(item.store.id, { namespace: item.store.namespace, accountId: item.store.accountId });
      } else if (item.kind === 'secret') {
        const scope = scopes.get(item.record.storeId);
        if (!scope) throw new SstoreError('validation', `secret ${item.record.id} belongs to no copied store`);
        insertSecretRows(c, [{ record: item.record, sealed: item.sealed }], scope, 0, Number.MAX_SAFE_INTEGER);
        if (item.current) {
          c.stmt('UPDATE secrets SET version = ?, value_set = ?, value_set_by = ? WHERE id = ?').run(
            item.current.version,
            item.current.set,
            item.current.setBy,
            item.record.id,
          );
        }
      } else if (item.kind === 'token') {
        insertTokenRow(c, item.token, item.hash);
      } else if (item.kind === 'version') {
        if (c.stmt('SELECT 1 FROM secrets WHERE id = ? AND store_id = ?').get(item.secretId, item.storeId) === undefined) {
          throw new SstoreError('validation', `a version of secret ${item.secretId}, which was not copied`);
        }
        const v = item.version;
        c.stmt('INSERT INTO secret_versions (secret_id, version, value, created, actor) VALUES (?, ?, ?, ?, ?)').run(
          item.secretId,
          v.version,
          item.sealed,
          v.created,
          v.actor,
        );
      } else {
        insertEntries(c, [item.entry]);
      }
    }
    return all.length;
  });
}
