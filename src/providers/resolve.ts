import { SstoreError, isSstoreError } from '../errors.ts';
import { collect } from '../http/pagination.ts';
import type { Provider, Secret, Store } from './provider.ts';

/** Names → ids, in one place for every command and every provider: ids and exact names, never a prefix or a guess. */

const ID = /^[0-9a-f]{32}$/;

export interface StoreChoice {
  /** `--store`, else SSTORE_STORE, else the profile's default store. */
  ref: string | undefined;
  /** Where `ref` came from, for messages. */
  from: 'flag' | 'SSTORE_STORE' | 'profile' | undefined;
  /** The profile in use, for hints that say how to set its default store; none for one built from the environment. */
  profile?: string;
  /** The embedded store creates `default` the first time it is used, and uses it while no other default is set. */
  createDefault: boolean;
  /** Asks the user to pick one; undefined when nobody can answer. */
  pick?: (stores: Store[]) => Promise<Store>;
}

export function matchStore(stores: Store[], ref: string): Store | undefined {
  const byId = stores.filter((s) => s.id === ref);
  if (byId.length === 1) return byId[0];
  const byName = stores.filter((s) => s.name === ref);
  if (byName.length > 1) {
    throw new SstoreError('usage', `several stores are named "${ref}"`, { reason: 'ambiguous', hint: `use the id: ${byName.map((s) => s.id).join(', ')}` });
  }
  return byName[0];
}

export async function resolveStore(provider: Provider, choice: StoreChoice): Promise<Store> {
  const stores = await provider.listStores();
  if (choice.ref !== undefined) {
    const found = matchStore(stores, choice.ref);
    if (found) return found;
    const known = stores.length > 0 ? `; stores: ${stores.map((s) => s.name).join(', ')}` : '';
    const source = choice.from === 'profile' ? " (the profile's default store)" : choice.from === 'SSTORE_STORE' ? ' (SSTORE_STORE)' : '';
    throw new SstoreError('not_found', `no store named "${choice.ref}"${source}${known}`, {
      reason: 'store_not_found',
      hint: choice.from === 'profile' ? `change it with \`${setDefaultStore(choice)}\`, or pass --store` : 'list them with `sstore stores list`',
    });
  }
  if (stores.length === 1) return stores[0]!;
  // The embedded store made `default` itself, so plain commands keep using it after a second store is created.
  const own = choice.createDefault ? stores.find((s) => s.name === 'default') : undefined;
  if (own) return own;
  if (stores.length === 0) {
    if (choice.createDefault) return provider.createStore('default');
    throw new SstoreError('not_found', 'this account has no secrets store yet', { reason: 'no_store', hint: 'create one with `sstore stores create NAME`' });
  }
  if (choice.pick) return choice.pick(stores);
  throw new SstoreError('usage', `this account has ${stores.length} stores (${stores.map((s) => s.name).join(', ')}): say which with --store`, {
    reason: 'store_ambiguous',
    hint: `or set a default: \`${setDefaultStore(choice)}\``,
  });
}

function setDefaultStore(choice: StoreChoice): string {
  return choice.profile === undefined ? 'export SSTORE_STORE=S' : `sstore profile set ${choice.profile} --store S`;
}

/** The secret with exactly this name, or undefined. */
export async function findSecretByName(provider: Provider, storeId: string, name: string): Promise<Secret | undefined> {
  const matches: Secret[] = [];
  for await (const secret of provider.listSecrets(storeId, { search: name })) if (secret.name === name) matches.push(secret);
  if (matches.length > 1) {
    throw new SstoreError('usage', `several secrets are named "${name}"`, { reason: 'ambiguous', hint: `use the id: ${matches.map((s) => s.id).join(', ')}` });
  }
  return matches[0];
}

function notFound(provider: Provider, refs: readonly string[], store: Store): SstoreError {
  // Neostore lists and answers only the keys valid now: a key outside its window looks missing.
  const window = provider.capabilities.validityWindow ? `, or ${refs.length === 1 ? 'it is' : 'they are'} outside ${refs.length === 1 ? 'its' : 'their'} validity window (expired or not yet valid)` : '';
  const names = refs.map((ref) => `"${ref}"`).join(', ');
  return new SstoreError('not_found', `no ${refs.length === 1 ? 'secret' : 'secrets'} named ${names} in store "${store.name}"${window}`, {
    reason: 'secret_not_found',
    hint: `list them with \`sstore secrets list${provider.capabilities.nativeStores ? ` --store ${store.name}` : ''}\``,
  });
}

/** A reference that is no id and no valid name cannot exist: refused (exit 2) before any request. */
function checkRef(provider: Provider, ref: string): void {
  if (!ID.test(ref)) provider.checkName('secret', ref);
}

/** A secret by id (32 hex) or by exact name. */
export async function resolveSecret(provider: Provider, store: Store, ref: string): Promise<Secret> {
  checkRef(provider, ref);
  if (ID.test(ref)) {
    try {
      return await provider.getSecret(store.id, ref);
    } catch (error) {
      if (!isSstoreError(error) || error.kind !== 'not_found') throw error;
    }
  }
  const found = await findSecretByName(provider, store.id, ref);
  if (!found) throw notFound(provider, [ref], store);
  return found;
}

/** Several secrets; a few are looked up one by one, many by listing the store once. All must exist: every missing one is named. */
export async function resolveSecrets(provider: Provider, store: Store, refs: string[]): Promise<Secret[]> {
  const unique = [...new Set(refs)];
  for (const ref of unique) checkRef(provider, ref);
  const found: Secret[] = [];
  const missing: string[] = [];
  if (unique.length <= 5) {
    for (const ref of unique) {
      try {
        found.push(await resolveSecret(provider, store, ref));
      } catch (error) {
        if (!isSstoreError(error) || error.reason !== 'secret_not_found') throw error;
        missing.push(ref);
      }
    }
  } else {
    const all = await collect(provider.listSecrets(store.id));
    for (const ref of unique) {
      const byId = all.find((s) => s.id === ref);
      const byName = byId ? [byId] : all.filter((s) => s.name === ref);
      if (byName.length > 1) throw new SstoreError('usage', `several secrets are named "${ref}"`, { reason: 'ambiguous' });
      if (byName[0]) found.push(byName[0]);
      else missing.push(ref);
    }
  }
  if (missing.length > 0) throw notFound(provider, missing, store);
  return found;
}
