import type { Namespace, Permission, SecretRecord, SecretStatus, StoreRecord, TokenRecord } from '../../types.ts';

/**
 * Columns and row mappers of the PostgreSQL tables. Rows come as arrays in the order of their SELECT (pg's
 * rowMode 'array'), like the SQLite backend's, so one mapping serves every query that selects these columns.
 */

export const SECRET_COLUMNS =
  'id, store_id, name, comment, scopes, status, not_before, expires_on, created, modified, created_by, updated_by';

export const STORE_COLUMNS = 'id, namespace, account_id, name, managed_by, created, modified';

export const TOKEN_COLUMNS = 'id, name, permissions, account, service, created, hash';

export function encodeScopes(scopes: readonly string[]): string {
  return scopes.length === 0 ? ',' : `,${scopes.join(',')},`;
}

function decodeScopes(text: string): string[] {
  return text.split(',').filter((s) => s.length > 0);
}

/** A row of SECRET_COLUMNS (further columns are ignored). */
export function toSecret(row: unknown[]): SecretRecord {
  return {
    id: row[0] as string,
    storeId: row[1] as string,
    name: row[2] as string,
    comment: (row[3] as string | null) ?? null,
    scopes: decodeScopes(row[4] as string),
    status: row[5] as SecretStatus,
    notBefore: (row[6] as number | null) ?? null,
    expiresOn: (row[7] as number | null) ?? null,
    created: row[8] as number,
    modified: row[9] as number,
    createdBy: (row[10] as string | null) ?? null,
    updatedBy: (row[11] as string | null) ?? null,
  };
}

/** A row of STORE_COLUMNS. */
export function toStore(row: unknown[]): StoreRecord {
  return {
    id: row[0] as string,
    namespace: row[1] as Namespace,
    accountId: row[2] as string,
    name: row[3] as string,
    managedBy: (row[4] as string | null) ?? null,
    created: row[5] as number,
    modified: row[6] as number,
  };
}

/** A row of TOKEN_COLUMNS. */
export function toToken(row: unknown[]): TokenRecord {
  return {
    id: row[0] as string,
    name: row[1] as string,
    permissions: (row[2] as string).split(',').filter(Boolean) as Permission[],
    account: (row[3] as string | null) ?? null,
    service: (row[4] as string | null) ?? null,
    created: row[5] as number,
  };
}

/** A value as PostgreSQL's bytea wants it (pg sends Buffers as binary). */
export function bytes(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
