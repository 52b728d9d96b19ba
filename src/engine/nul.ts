import { SstoreError } from '../errors.ts';
import type { SecretQuery, StoreQuery } from './types.ts';

/**
 * U+0000 in an account, an id, a name, a comment or a search. PostgreSQL cannot store it in text (a query that carries
 * it fails), and the metadata caches join the parts of their keys with it (account "a\0b" with store "c" would meet
 * account "a" with store "b\0c"). So the engine keeps it out on every backend alike: a lookup by such a text finds
 * nothing, and anything written or searched with it is invalid. No client has a use for it: names allow only letters,
 * digits, underscores and dashes, and ids are hex.
 */
export function hasNul(...texts: readonly (string | null | undefined)[]): boolean {
  return texts.some((text) => text?.includes('\u0000') === true);
}

/** Throws a validation error naming `what` when a text holds U+0000 (see hasNul). */
export function refuseNul(what: string, ...texts: readonly (string | null | undefined)[]): void {
  if (hasNul(...texts)) throw new SstoreError('validation', `${what} must not contain the NUL character (U+0000)`, { reason: 'nul_character' });
}

/** The cursor id of a query's window, if it has one (a text the engine checks too). */
export function cursorOf(query: StoreQuery | SecretQuery): string | undefined {
  return query.window.kind === 'after' || query.window.kind === 'before' ? query.window.cursorId : undefined;
}
