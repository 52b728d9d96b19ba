import { SstoreError } from '../errors.ts';
import { andThen, type Awaitable } from '../engine/awaitable.ts';
import { type Actor, localActor, tokenActor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { PERMISSIONS, type Permission, type TokenRecord } from '../engine/types.ts';

/** Who is calling, after authentication. */
export interface Principal {
  /** The token's id (`local` for the in-process door): what Cloudflare's token verify answers with. */
  id: string;
  name: string;
  permissions: ReadonlySet<Permission>;
  /** The one account (or tenant) this principal may touch, or null for any. */
  account: string | null;
  /** The calling service behind `managed_by` on `/system` routes, or null. */
  service: string | null;
  /** Who the audit trail and the history record for what this principal does: the token's name, or `local`. */
  actor: Actor;
}

/** The credentials a request presented, whatever header carried them. */
export interface Credentials {
  token: string | undefined;
}

export type Authenticator = (credentials: Credentials) => Awaitable<Principal | undefined>;

const EVERYTHING: ReadonlySet<Permission> = new Set<Permission>(PERMISSIONS);

const LOCAL: Principal = Object.freeze({ id: 'local', name: 'local', permissions: EVERYTHING, account: null, service: null, actor: localActor() });

/**
 * The in-process door: the CLI's embedded profile already holds the master key, so a token would protect nothing.
 */
export const trustedAuthenticator: Authenticator = () => LOCAL;

export function tokenAuthenticator(engine: Engine): Authenticator {
  // The engine hands out the same frozen record while its cache holds it, so its principal is made once.
  const principals = new WeakMap<TokenRecord, Principal>();
  return ({ token }) => {
    if (!token) return undefined;
    return andThen(engine.authenticate(token), (record) => {
      if (!record) return undefined;
      let principal = principals.get(record);
      if (!principal) {
        principal = Object.freeze({
          id: record.id,
          name: record.name,
          permissions: new Set(record.permissions),
          account: record.account,
          service: record.service,
          actor: tokenActor(record.name),
        });
        principals.set(record, principal);
      }
      return principal;
    });
  };
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has('admin') || principal.permissions.has(permission);
}

/** Throws `permission` unless the principal may do `permission` on `account`. */
export function authorize(principal: Principal, permission: Permission, account: string): void {
  if (principal.account !== null && principal.account !== account) {
    throw new SstoreError('permission', `this token is not allowed to access account ${account}`, { reason: 'account_forbidden' });
  }
  if (!hasPermission(principal, permission)) {
    throw new SstoreError('permission', `this token lacks the "${permission}" permission`, {
      reason: 'permission_denied',
      hint: `create a token with --permissions ${permission}`,
    });
  }
}
