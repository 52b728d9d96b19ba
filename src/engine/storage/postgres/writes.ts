import { SstoreError } from '../../../errors.ts';
import type { SecretRecord, StoreRecord, TokenRecord } from '../../types.ts';
import type { AuditDraft } from '../../audit/entry.ts';
import type { AccountScope, NewSecretRow, SecretPatch } from '../storage.ts';
import { appendEntries } from './audit.ts';
import { keepCurrentValue } from './history.ts';
import { violatedConstraint } from './errors.ts';
import type { Queryable } from './pool.ts';
import { bytes, encodeScopes, SECRET_COLUMNS, toSecret } from './rows.ts';

/**
 * The mutations, each run inside one transaction by the caller. The limits (stores and secrets per account) hold
 * exactly however many instances write at once because every write that counts against them first takes a
 * transaction-scoped advisory lock on its account: the count it then reads cannot change until it commits. An
 * advisory lock rather than a row lock because an account has no row to lock (accounts are implicit, and the first
 * store of one has nothing to lock on); a hash collision between two accounts only makes them wait for each other.
 */
export async function lockAccounts(q: Queryable, scopes: readonly AccountScope[]): Promise<void> {
  // In one order (the lock keys, sorted before the locks are taken), so two transactions that lock several accounts
  // never wait for each other in a circle.
  await q.rows(
    `SELECT pg_advisory_xact_lock(h1, h2) FROM (SELECT DISTINCT hashtext(ns) AS h1, hashtext(account) AS h2
      FROM unnest($1::text[], $2::text[]) AS t(ns, account)) AS k ORDER BY h1, h2`,
    [scopes.map((s) => s.namespace), scopes.map((s) => s.accountId)],
  );
}

export async function countSecrets(q: Queryable, scope: AccountScope): Promise<number> {
  const [row] = await q.rows('SELECT COALESCE(SUM(secret_count), 0) FROM sstore_stores WHERE namespace = $1 AND account_id = $2', [
    scope.namespace,
    scope.accountId,
  ]);
  return Number(row![0]);
}

export async function insertStore(q: Queryable, store: StoreRecord, maxStores: number, audit: AuditDraft): Promise<void> {
  await lockAccounts(q, [store]);
  const [row] = await q.rows('SELECT COUNT(*) FROM sstore_stores WHERE namespace = $1 AND account_id = $2', [store.namespace, store.accountId]);
  if (Number(row![0]) >= maxStores) {
    throw new SstoreError('quota', `maximum number of stores exceeded (${maxStores} per account)`, { reason: 'maximum_stores_exceeded' });
  }
  await insertStoreRow(q, store);
  await appendEntries(q, [audit]);
}

export async function insertStoreRow(q: Queryable, store: StoreRecord): Promise<void> {
  try {
    await q.run('INSERT INTO sstore_stores (id, namespace, account_id, name, managed_by, created, modified) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      store.id,
      store.namespace,
      store.accountId,
      store.name,
      store.managedBy,
      store.created,
      store.modified,
    ]);
  } catch (error) {
    if (violatedConstraint(error) === 'sstore_stores_name_key') {
      throw new SstoreError('conflict', `a store named "${store.name}" already exists`, { reason: 'store_name_already_exists' });
    }
    throw error;
  }
}

export async function deleteStore(q: Queryable, storeId: string, force: boolean, audit: AuditDraft): Promise<void> {
  // FOR UPDATE: a secret inserted meanwhile waits for this delete (its trigger updates this row), so the count holds.
  const [row] = await q.rows('SELECT secret_count FROM sstore_stores WHERE id = $1 FOR UPDATE', [storeId]);
  if (!row) throw new SstoreError('not_found', 'store not found', { reason: 'store_not_found' });
  const n = Number(row[0]);
  if (n > 0 && !force) {
    throw new SstoreError('conflict', `store is not empty: it holds ${n} secret${n === 1 ? '' : 's'}`, {
      reason: 'store_not_empty',
      hint: 'delete its secrets first, or pass force=true (--force) to delete them with the store',
    });
  }
  await q.run('DELETE FROM sstore_stores WHERE id = $1', [storeId]);
  await appendEntries(q, [audit]);
}

/** A name twice in one request: refused before anything is asked of the database. */
export function duplicateInRequest(rows: readonly NewSecretRow[]): SstoreError | undefined {
  const seen = new Set<string>();
  for (const { record } of rows) {
    const key = `${record.storeId}\u0000${record.name}`;
    if (seen.has(key)) {
      return new SstoreError('conflict', `secret name "${record.name}" appears twice in the request`, { reason: 'secret_name_already_exists' });
    }
    seen.add(key);
  }
  return undefined;
}

export function quotaError(n: number, maxSecrets: number, adding: number): SstoreError {
  return new SstoreError('quota', `secrets quota exceeded: the account holds ${n} of ${maxSecrets} and the request adds ${adding}`, {
    reason: 'quota_exceeded',
  });
}

/** Inserts all rows or none (the caller's transaction): `conflict` on a name taken, `quota` past `maxSecrets`. */
export async function insertSecrets(q: Queryable, rows: NewSecretRow[], scope: AccountScope, maxSecrets: number): Promise<void> {
  const duplicate = duplicateInRequest(rows);
  if (duplicate) throw duplicate;
  if (maxSecrets < Number.MAX_SAFE_INTEGER) {
    await lockAccounts(q, [scope]);
    const n = await countSecrets(q, scope);
    if (n + rows.length > maxSecrets) throw quotaError(n, maxSecrets, rows.length);
  }
  await insertSecretRows(q, rows, scope);
}

const SECRET_INSERT = `INSERT INTO sstore_secrets (id, store_id, namespace, account_id, name, comment, scopes, status, value,
  not_before, expires_on, created, modified, created_by, updated_by) VALUES `;
const SECRET_INSERT_COLUMNS = 15;
/** Rows per INSERT statement: PostgreSQL takes at most 65,535 parameters in one. */
const ROWS_PER_INSERT = 1_000;

function secretValues(row: NewSecretRow, scope: AccountScope): unknown[] {
  const { record: r, sealed } = row;
  return [
    r.id,
    r.storeId,
    scope.namespace,
    scope.accountId,
    r.name,
    r.comment,
    encodeScopes(r.scopes),
    r.status,
    bytes(sealed),
    r.notBefore,
    r.expiresOn,
    r.created,
    r.modified,
    r.createdBy,
    r.updatedBy,
  ];
}

function placeholders(rows: number): string {
  return Array.from({ length: rows }, (_, i) => {
    const first = i * SECRET_INSERT_COLUMNS;
    return `(${Array.from({ length: SECRET_INSERT_COLUMNS }, (_, c) => `$${first + c + 1}`).join(', ')})`;
  }).join(', ');
}

/** The rows themselves, one statement each, after the limits were checked: a name taken is named in the error. */
export async function insertSecretRows(q: Queryable, rows: readonly NewSecretRow[], scope: AccountScope): Promise<void> {
  for (const row of rows) {
    try {
      await q.run(`${SECRET_INSERT}${placeholders(1)}`, secretValues(row, scope));
    } catch (error) {
      if (violatedConstraint(error) === 'sstore_secrets_name_key') {
        throw new SstoreError('conflict', `a secret named "${row.record.name}" already exists in this store`, {
          reason: 'secret_name_already_exists',
        });
      }
      throw error;
    }
  }
}

/**
 * Many rows in few statements (group commit's fast path). A name taken fails them all with `conflict` without saying
 * which; the caller then finds out with insertSecretRows.
 */
export async function insertManySecretRows(q: Queryable, rows: readonly { row: NewSecretRow; scope: AccountScope }[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    try {
      await q.run(`${SECRET_INSERT}${placeholders(chunk.length)}`, chunk.flatMap(({ row, scope }) => secretValues(row, scope)));
    } catch (error) {
      if (violatedConstraint(error) === 'sstore_secrets_name_key') throw new SstoreError('conflict', 'a secret name is taken', { reason: 'secret_name_already_exists' });
      throw error;
    }
  }
}

/** The secrets each account holds, for several accounts in one query. */
export async function countAccounts(q: Queryable, scopes: readonly AccountScope[]): Promise<Map<string, number>> {
  const rows = await q.rows(
    `SELECT namespace, account_id, COALESCE(SUM(secret_count), 0) FROM sstore_stores
      WHERE (namespace, account_id) IN (SELECT ns, account FROM unnest($1::text[], $2::text[]) AS t(ns, account))
      GROUP BY namespace, account_id`,
    [scopes.map((s) => s.namespace), scopes.map((s) => s.accountId)],
  );
  const counts = new Map<string, number>(scopes.map((s) => [accountKey(s), 0]));
  for (const row of rows) counts.set(`${row[0] as string}\u0000${row[1] as string}`, Number(row[2]));
  return counts;
}

export function accountKey(scope: AccountScope): string {
  return `${scope.namespace}\u0000${scope.accountId}`;
}

export async function updateSecret(
  q: Queryable,
  storeId: string,
  secretId: string,
  patch: SecretPatch,
  audit: AuditDraft,
  keepVersions: number,
): Promise<SecretRecord> {
  const sets = ['modified = ?'];
  const params: unknown[] = [patch.modified];
  if (patch.comment !== undefined) (sets.push('comment = ?'), params.push(patch.comment));
  if (patch.scopes !== undefined) (sets.push('scopes = ?'), params.push(encodeScopes(patch.scopes)));
  if (patch.sealed !== undefined) (sets.push('value = ?'), params.push(bytes(patch.sealed)));
  if (patch.notBefore !== undefined) (sets.push('not_before = ?'), params.push(patch.notBefore));
  if (patch.expiresOn !== undefined) (sets.push('expires_on = ?'), params.push(patch.expiresOn));
  if (patch.updatedBy !== undefined) (sets.push('updated_by = ?'), params.push(patch.updatedBy));
  if (patch.sealed !== undefined) {
    const version = await keepCurrentValue(q, storeId, secretId, keepVersions);
    sets.push('version = ?', 'value_set = ?', 'value_set_by = ?');
    params.push(version, patch.modified, patch.updatedBy ?? null);
  }
  let n = 0;
  const text = `UPDATE sstore_secrets SET ${sets.join(', ')} WHERE store_id = ? AND id = ? RETURNING ${SECRET_COLUMNS}`.replace(/\?/g, () => `$${++n}`);
  const [row] = await q.rows(text, [...params, storeId, secretId]);
  if (!row) throw new SstoreError('not_found', 'secret not found', { reason: 'secret_not_found' });
  await appendEntries(q, [audit]);
  return toSecret(row);
}

/** Deletes all the ids or none; `not_found` names the ids that are missing. */
export async function deleteSecrets(q: Queryable, storeId: string, secretIds: string[], audit: readonly AuditDraft[]): Promise<void> {
  const wanted = [...new Set(secretIds)];
  const deleted = new Set(
    (await q.rows('DELETE FROM sstore_secrets WHERE store_id = $1 AND id = ANY($2::text[]) RETURNING id', [storeId, wanted])).map(
      (row) => row[0] as string,
    ),
  );
  const missing = wanted.filter((id) => !deleted.has(id));
  if (missing.length > 0) {
    throw new SstoreError('not_found', `secret${missing.length === 1 ? '' : 's'} not found: ${missing.join(', ')}`, { reason: 'secret_not_found' });
  }
  await appendEntries(q, audit);
}

/** Returns [inserted, replaced another]. */
export async function insertToken(
  q: Queryable,
  token: TokenRecord,
  hash: string,
  ifNameTaken: 'fail' | 'replace' | 'keep',
  audit: AuditDraft,
): Promise<[boolean, boolean]> {
  let replaced = false;
  if (ifNameTaken !== 'fail') {
    // Kept or replaced under a lock on the name (the row may not exist yet), so instances starting together agree.
    await q.rows("SELECT pg_advisory_xact_lock(hashtext('sstore:token'), hashtext($1))", [token.name]);
    const [taken] = await q.rows('SELECT id FROM sstore_tokens WHERE name = $1', [token.name]);
    if (taken && ifNameTaken === 'keep') return [false, false];
    if (taken) replaced = (await q.run('DELETE FROM sstore_tokens WHERE name = $1', [token.name])) > 0;
  }
  await insertTokenRow(q, token, hash);
  await appendEntries(q, [audit]);
  return [true, replaced];
}

export async function insertTokenRow(q: Queryable, token: TokenRecord, hash: string): Promise<void> {
  try {
    await q.run('INSERT INTO sstore_tokens (id, name, hash, permissions, account, service, created) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      token.id,
      token.name,
      Buffer.from(hash, 'hex'),
      token.permissions.join(','),
      token.account,
      token.service,
      token.created,
    ]);
  } catch (error) {
    const constraint = violatedConstraint(error);
    if (constraint === 'sstore_tokens_name_key') {
      throw new SstoreError('conflict', `a token named "${token.name}" already exists`, { reason: 'token_name_already_exists' });
    }
    if (constraint === 'sstore_tokens_hash_key' || constraint === 'sstore_tokens_pkey') {
      throw new SstoreError('conflict', 'that token value is already in use', { reason: 'token_already_exists' });
    }
    throw error;
  }
}
