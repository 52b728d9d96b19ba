/**
 * Reading the audit trail, the one way both doors use it: the extension route (`GET /client/v4/sstore/audit`) and
 * `sstore server audit` offline. Entries leave here in their wire shape (snake_case, ISO times), never with a value.
 */
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry, type AuditFilter } from '../engine/audit/entry.ts';
import { microsToIso } from '../engine/clock.ts';
import type { Engine } from '../engine/engine.ts';
import type { SecretVersion } from '../engine/storage/storage.ts';

/** The most entries one page holds (and the default). */
export const MAX_AUDIT_PAGE = 1000;

export interface AuditSelection {
  /** Entries at or after this time (µs). */
  since?: number;
  actor?: string;
  action?: AuditAction;
  /** A store's id, or a store name: every store of that name whose creation the trail holds (deleted ones too). */
  store?: string;
  /** Secret actions on secrets of this name. */
  secret?: string;
  /** Entries with a larger id. */
  after?: number;
  limit?: number;
}

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** An entry as the route sends it and `--json` prints it. */
export function auditJson(entry: AuditEntry) {
  return {
    id: entry.id,
    time: microsToIso(entry.time),
    actor: entry.actor,
    os_user: entry.osUser,
    action: entry.action,
    namespace: entry.namespace,
    store_id: entry.storeId,
    secret_id: entry.secretId,
    name: entry.name,
    fields: entry.fields === null ? null : [...entry.fields],
    detail: entry.detail === null ? null : { ...entry.detail },
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

/** A version of a secret's value as the route sends it (never the value). */
export function versionJson(version: SecretVersion) {
  return { version: version.version, created: microsToIso(version.created), actor: version.actor, current: version.current };
}

const STORE_ID = /^[0-9a-f]{32}$/;

/** One page of the entries the selection matches, oldest first. */
export async function auditPage(engine: Engine, selection: AuditSelection): Promise<ReturnType<typeof auditJson>[]> {
  const { store, secret, after, limit = MAX_AUDIT_PAGE, ...rest } = selection;
  const filter: AuditFilter = {
    ...rest,
    ...(secret !== undefined && { secretName: secret }),
    ...(after !== undefined && { afterId: after }),
    limit,
  };
  if (store === undefined) return (await engine.listAudit(filter)).map(auditJson);
  const ids = STORE_ID.test(store) ? [store] : await storeIdsNamed(engine, store);
  // One list per store, merged: each holds the first `limit` entries after `after`, so the merge's first `limit` are right.
  const lists = await Promise.all(ids.map((storeId) => engine.listAudit({ ...filter, storeId })));
  return lists
    .flat()
    .sort((a, b) => a.id - b.id)
    .slice(0, limit)
    .map(auditJson);
}

/** Stores are named per account and provider, and may be gone: the trail's store.create entries know them all. */
async function storeIdsNamed(engine: Engine, name: string): Promise<string[]> {
  const ids = new Set<string>();
  for (let afterId: number | undefined; ; ) {
    const page = await engine.listAudit({ action: 'store.create', limit: MAX_AUDIT_PAGE, ...(afterId !== undefined && { afterId }) });
    for (const entry of page) if (entry.name === name && entry.storeId !== null) ids.add(entry.storeId);
    if (page.length < MAX_AUDIT_PAGE) return [...ids];
    afterId = page.at(-1)!.id;
  }
}
