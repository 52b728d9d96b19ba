import type { Namespace, Permission, SecretRecord, SecretStatus, StoreRecord, TokenRecord } from '../../types.ts';
import type { Row, Values } from './connection.ts';

// Rows ⇄ records. Stores and secrets are read as arrays in the order of their column lists (see Values).

export const SECRET_COLUMNS =
  'id, store_id, name, comment, scopes, status, not_before, expires_on, created, modified, created_by, updated_by';

/** A row of SECRET_COLUMNS. */
export function toSecret(row: Values): SecretRecord {
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

export const STORE_COLUMNS = 'id, namespace, account_id, name, managed_by, created, modified';

/** A row of STORE_COLUMNS. */
export function toStore(row: Values): StoreRecord {
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

export function toToken(row: Row): TokenRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    permissions: (row.permissions as string).split(',').filter(Boolean) as Permission[],
    account: (row.account as string | null) ?? null,
    service: (row.service as string | null) ?? null,
    created: row.created as number,
  };
}

/** Scopes as `,a,b,`, so that a scope filter is a LIKE on `,scope,`. */
export function encodeScopes(scopes: readonly string[]): string {
  return scopes.length === 0 ? ',' : `,${scopes.join(',')},`;
}

function decodeScopes(text: string): string[] {
  return text.split(',').filter((s) => s.length > 0);
}
