import { microsToIso } from '../../../engine/clock.ts';
import type { SecretRecord, StoreRecord } from '../../../engine/types.ts';

/** Wire shapes of Cloudflare's store and secret objects. `managed_by` is internal and never emitted. */
export function storeJson(store: StoreRecord) {
  return {
    id: store.id,
    name: store.name,
    account_id: store.accountId,
    created: microsToIso(store.created),
    modified: microsToIso(store.modified),
  };
}

export function secretJson(secret: SecretRecord) {
  return {
    id: secret.id,
    name: secret.name,
    store_id: secret.storeId,
    comment: secret.comment ?? '',
    scopes: secret.scopes,
    status: secret.status,
    created: microsToIso(secret.created),
    modified: microsToIso(secret.modified),
  };
}
