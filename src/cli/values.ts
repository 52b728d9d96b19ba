import { SstoreError } from '../errors.ts';
import type { Entry } from '../formats/types.ts';
import { collect } from '../http/pagination.ts';
import { shownName } from '../providers/name-problem.ts';
import type { Provider, Secret, Store } from '../providers/provider.ts';
import { requireSupport } from '../providers/support.ts';
import type { Session } from './session.ts';

/** `run` and `export` read values back: refused before any request where the provider never returns them. */
export function requireValues(session: Session, command: string): void {
  requireSupport(session.provider, { reveal: `sstore ${command}` });
}

/**
 * The values of a store's secrets, by name, in name order. With `only`, just those names (each must exist), in the
 * order given; nothing else is revealed.
 */
export async function readValues(provider: Provider, store: Store, only?: readonly string[]): Promise<Entry[]> {
  return (await readSecrets(provider, store, only)).map(({ secret, value }) => ({ name: secret.name, value }));
}

/** `readValues`, with each secret's metadata (scopes, comment) beside its value: what `sync` copies. */
export async function readSecrets(provider: Provider, store: Store, only?: readonly string[]): Promise<Array<{ secret: Secret; value: string }>> {
  const secrets = await collect(provider.listSecrets(store.id, { order: 'name', direction: 'asc' }));
  let wanted = secrets;
  if (only !== undefined && only.length > 0) {
    const byName = new Map(secrets.map((s) => [s.name, s]));
    const missing = only.filter((name) => !byName.has(name));
    if (missing.length > 0) {
      throw new SstoreError('not_found', `no secret named ${missing.map(shownName).join(', ')} in store "${store.name}"`, {
        reason: 'secret_not_found',
        hint: `list them with \`sstore secrets list --store ${store.name}\``,
      });
    }
    wanted = only.map((name) => byName.get(name)!);
  }
  if (wanted.length === 0) return [];
  const revealed = new Map((await provider.revealSecrets(store.id, wanted.map((s) => s.id))).map((r) => [r.id, r.value]));
  return wanted.map((s) => {
    const value = revealed.get(s.id);
    // Deleted between the list and the reveal: it is simply no longer there.
    return value === undefined ? undefined : { secret: s, value };
  }).filter((e) => e !== undefined);
}
