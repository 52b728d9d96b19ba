import { SstoreError } from '../../../errors.ts';
import type { StoreRecord, TokenRecord } from '../../types.ts';
import { isUniqueViolation } from '../sqlite-errors.ts';
import type { AccountScope, NewSecretRow } from '../storage.ts';
import type { Connection } from './connection.ts';
import { encodeScopes } from './rows.ts';

// The inserts that both the storage's own methods and importAll make, inside a transaction the caller holds: one
// statement each, and one way to name a clash.

export function insertStoreRow(c: Connection, store: StoreRecord): void {
  try {
    c.stmt('INSERT INTO stores (id, namespace, account_id, name, managed_by, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      store.id,
      store.namespace,
      store.accountId,
      store.name,
      store.managedBy,
      store.created,
      store.modified,
    );
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new SstoreError('conflict', `a store named "${store.name}" already exists`, { reason: 'store_name_already_exists' });
    }
    throw error;
  }
}

export function insertTokenRow(c: Connection, token: TokenRecord, hash: string): void {
  try {
    c.stmt('INSERT INTO tokens (id, name, hash, permissions, account, service, created) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      token.id,
      token.name,
      Buffer.from(hash, 'hex'),
      token.permissions.join(','),
      token.account,
      token.service,
      token.created,
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (/tokens\.name/.test((error as Error).message)) {
      throw new SstoreError('conflict', `a token named "${token.name}" already exists`, { reason: 'token_name_already_exists' });
    }
    throw new SstoreError('conflict', 'that token value is already in use', { reason: 'token_already_exists' });
  }
}

/** The secrets an account holds: the sum of its stores' counters (kept exact by triggers), not a scan. */
export function countSecrets(c: Connection, scope: AccountScope): number {
  const { n } = c.stmt('SELECT COALESCE(SUM(secret_count), 0) AS n FROM stores WHERE namespace = ? AND account_id = ?').get(
    scope.namespace,
    scope.accountId,
  ) as { n: number };
  return n;
}

/** Inserts rows into an account that holds `n` secrets, refusing with `quota` what would take it past `maxSecrets`. */
export function insertSecretRows(c: Connection, rows: NewSecretRow[], scope: AccountScope, n: number, maxSecrets: number): void {
  if (n + rows.length > maxSecrets) {
    throw new SstoreError(
      'quota',
      `secrets quota exceeded: the account holds ${n} of ${maxSecrets} and the request adds ${rows.length}`,
      { reason: 'quota_exceeded' },
    );
  }
  const insert = c.stmt(
    `INSERT INTO secrets (id, store_id, namespace, account_id, name, comment, scopes, status, value, not_before, expires_on,
      created, modified, created_by, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { record: r, sealed } of rows) {
    try {
      insert.run(
        r.id,
        r.storeId,
        scope.namespace,
        scope.accountId,
        r.name,
        r.comment,
        encodeScopes(r.scopes),
        r.status,
        sealed,
        r.notBefore,
        r.expiresOn,
        r.created,
        r.modified,
        r.createdBy,
        r.updatedBy,
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SstoreError('conflict', `a secret named "${r.name}" already exists in this store`, {
          reason: 'secret_name_already_exists',
        });
      }
      throw error;
    }
  }
}
