/** Domain records of the engine. Times are microseconds since the epoch (see clock.ts). */

import type { ProviderName } from '../provider-names.ts';

/** Each provider's secrets live in their own namespace, so dialects never see each other's names. */
export type Namespace = ProviderName;

export const SCOPES = ['workers', 'ai_gateway', 'dex', 'access', 'containers', 'websearch'] as const;

export type SecretStatus = 'pending' | 'active' | 'deleted';

export interface StoreRecord {
  id: string;
  namespace: Namespace;
  accountId: string;
  name: string;
  /** The calling service that created the store through a `/system` route; null for account routes. */
  managedBy: string | null;
  created: number;
  modified: number;
}

export interface SecretRecord {
  id: string;
  storeId: string;
  name: string;
  comment: string | null;
  scopes: string[];
  status: SecretStatus;
  /** Validity window (Neostore): outside it the secret reads as missing. */
  notBefore: number | null;
  expiresOn: number | null;
  created: number;
  modified: number;
  createdBy: string | null;
  updatedBy: string | null;
}

export type SortDirection = 'asc' | 'desc';
export type StoreOrder = 'name' | 'created' | 'modified';
export type SecretOrder = 'name' | 'comment' | 'created' | 'modified' | 'status';

/** Offset pages (Cloudflare) or keyset cursors (SGP), both over the same ordering. */
export type Window =
  | { kind: 'offset'; offset: number; limit: number }
  | { kind: 'after'; cursorId: string | undefined; limit: number }
  | { kind: 'before'; cursorId: string; limit: number }
  | { kind: 'all' };

export interface StoreQuery {
  namespace: Namespace;
  accountId: string;
  /** undefined: any store; a string: only stores managed by that service. */
  managedBy?: string;
  order: StoreOrder;
  direction: SortDirection;
  window: Window;
}

export interface SecretQuery {
  storeId: string;
  /** Case-insensitive substring over name and comment. */
  search?: string;
  /** A secret matches when it has every one of these scopes. */
  scopes?: string[];
  order: SecretOrder;
  direction: SortDirection;
  window: Window;
}

export interface Page<T> {
  items: T[];
  /** All rows matching the filter, ignoring the window. */
  total: number;
  /** More rows lie beyond the window in its direction. */
  hasMore: boolean;
}

/** `audit`: read the audit trail (the local extension route); `admin` implies every other. */
export type Permission = 'read' | 'write' | 'reveal' | 'audit' | 'admin';
export const PERMISSIONS: readonly Permission[] = ['read', 'write', 'reveal', 'audit', 'admin'];

export interface TokenRecord {
  id: string;
  name: string;
  permissions: Permission[];
  /** Bound to one account (or tenant), or null for any. */
  account: string | null;
  /** The calling service this token acts as on `/system` routes, or null. */
  service: string | null;
  created: number;
}

export interface Limits {
  maxValueBytes: number;
  maxStoresPerAccount: number;
  /** The per-account secrets quota, reported by the quota route. */
  maxSecretsPerAccount: number;
  maxBodyBytes: number;
  /** Earlier values kept per secret as its history (0: none); the oldest beyond it are dropped. */
  keepVersions: number;
}
