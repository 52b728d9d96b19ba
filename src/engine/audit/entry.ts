import { hash } from 'node:crypto';
import type { Actor } from '../actor.ts';
import type { Namespace } from '../types.ts';

/** Everything the audit trail records. `secret.reveal` is the one that changes nothing. */
export const AUDIT_ACTIONS = [
  'store.create',
  'store.delete',
  'secret.create',
  'secret.update',
  'secret.delete',
  'secret.duplicate',
  'secret.reveal',
  'secret.rollback',
  'token.create',
  'token.revoke',
  'audit.prune',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Extra facts of some actions, small and never derived from a value: `secret.rollback` has `version` (the version
 * whose value was made current) and `newVersion`; `secret.update` with a value and `secret.create` have `newVersion`;
 * `secret.reveal` of an old version has `version`; `secret.duplicate` has `source` (the copied secret's id);
 * `audit.prune` has `pruned` (how many entries), `before` (the cut-off, µs) and, when it pruned any, `lastId` and
 * `lastHash` (of the newest pruned entry: the first kept entry's prev_hash, which verify checks against it).
 */
export type AuditDetail = Readonly<Record<string, string | number>>;

/** An entry as the engine asks for it; the storage gives it its id and hashes when it appends it. */
export interface AuditDraft {
  /** Microseconds since the epoch (the mutation's own `modified` time where it has one). */
  time: number;
  actor: string;
  osUser: string | null;
  action: AuditAction;
  namespace: Namespace | null;
  storeId: string | null;
  secretId: string | null;
  /** The secret's name, or the store's for store.*, the token's for token.*. */
  name: string | null;
  /** For updates: the names of the fields that changed (never their values). */
  fields: readonly string[] | null;
  detail: AuditDetail | null;
}

/** An entry as stored: sequential ids from 1, each hash chained to the one before. */
export interface AuditEntry extends AuditDraft {
  id: number;
  prevHash: string;
  hash: string;
}

/** The prev_hash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of an entry: SHA-256 in hex over a canonical encoding of every field but the hash itself, prev_hash
 * included. The one place it is computed: both backends append with it, verify recomputes it, so they cannot drift.
 * The encoding is JSON of an array in a fixed order (JSON strings are unambiguous; `detail` keys sorted).
 */
export function auditHash(entry: Omit<AuditEntry, 'hash'>): string {
  const detail = entry.detail === null ? null : Object.keys(entry.detail).sort().map((key) => [key, entry.detail![key]]);
  return hash(
    'sha256',
    JSON.stringify([
      1, // the encoding's version
      entry.id,
      entry.time,
      entry.actor,
      entry.osUser,
      entry.action,
      entry.namespace,
      entry.storeId,
      entry.secretId,
      entry.name,
      entry.fields,
      detail,
      entry.prevHash,
    ]),
  );
}

/** Makes the entry that follows `head` (undefined: the chain is empty). */
export function chainEntry(draft: AuditDraft, head: { id: number; hash: string } | undefined): AuditEntry {
  const unhashed = { ...draft, id: (head?.id ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...unhashed, hash: auditHash(unhashed) };
}

/** A draft from its actor and the rest: the one way the engine makes them. */
export function draft(
  actor: Actor,
  action: AuditAction,
  time: number,
  about: Partial<Pick<AuditDraft, 'namespace' | 'storeId' | 'secretId' | 'name' | 'fields' | 'detail'>>,
): AuditDraft {
  return {
    time,
    actor: actor.name,
    osUser: actor.osUser,
    action,
    namespace: about.namespace ?? null,
    storeId: about.storeId ?? null,
    secretId: about.secretId ?? null,
    name: about.name ?? null,
    fields: about.fields ?? null,
    detail: about.detail ?? null,
  };
}

/** What listAudit selects; every given condition must hold. Entries come oldest (lowest id) first. */
export interface AuditFilter {
  /** Entries at or after this time (µs). */
  since?: number;
  actor?: string;
  action?: AuditAction;
  storeId?: string;
  /** Secret actions (secret.*) on a secret of this name. */
  secretName?: string;
  /** Entries with a larger id (paging, `--follow`). */
  afterId?: number;
  limit?: number;
}
