import { microsToIso } from '../../../engine/clock.ts';
import type { SecretRecord } from '../../../engine/types.ts';

/** Who made a secret when the record names no one (not expected in the `sgp` namespace). */
const UNKNOWN_ACTOR = 'unknown';

/**
 * SGP's `Identity`. The local server knows callers only by their API token, so every creator is the token's
 * service account, identified by the token's name (`sstore server token create --name`); the in-process door is
 * the service account `local`.
 */
export function identityJson(actor: string | null) {
  return { id: actor ?? UNKNOWN_ACTOR, type: 'service_account' as const, object: 'identity' as const };
}

/** Where the value would live in a cloud secret store; here, a stable name inside the local database. */
export function cloudSecretPath(accountId: string, key: string): string {
  return `sstore/sgp/${accountId}/${key}`;
}

/**
 * `CloudSecret`: nine fields always, `description` only when set. Never the value. The schema types `description` as
 * a plain, optional `string` and the SDKs as `description?: string` (TypeScript), `Optional[str] = None` (Python) and
 * a plain string (Go): left out reads as "none" in all three, where `null` breaks the TypeScript type and the schema,
 * and `""` could not be told from a description set to "".
 */
export function cloudSecretJson(secret: SecretRecord, accountId: string) {
  return {
    id: secret.id,
    account_id: accountId,
    cloud_secret_path: cloudSecretPath(accountId, secret.name),
    created_at: microsToIso(secret.created),
    created_by: identityJson(secret.createdBy),
    key: secret.name,
    ...(secret.comment !== null && { description: secret.comment }),
    object: 'sgp_cloud_secret' as const,
    updated_at: microsToIso(secret.modified),
    updated_by: secret.updatedBy ?? UNKNOWN_ACTOR,
  };
}
