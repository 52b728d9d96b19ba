import { SstoreError } from '../errors.ts';
import { unsupported, type ProviderName, type Store } from './provider.ts';

/**
 * SGP accounts and Neostore tenants have no stores: the account (or tenant) is the one implicit store, named and
 * identified by its id. Listing it costs no request; `--store` may name it, nothing else.
 */
export function implicitStore(id: string, kind: 'account' | 'tenant'): Store {
  return { id, name: id, created: undefined, modified: undefined, raw: { id, name: id, implicit: kind } };
}

export function getImplicitStore(store: Store, ref: string, provider: ProviderName): Store {
  if (ref === store.id) return store;
  throw new SstoreError('not_found', `no store "${ref}": a ${provider} profile has one implicit store, ${store.name}`, { reason: 'store_not_found' });
}

export function storesUnsupported(what: 'stores create' | 'stores delete', provider: ProviderName, kind: 'account' | 'tenant'): SstoreError {
  return unsupported(what, provider, `the ${kind} is the one implicit store; use another ${kind} with another profile (--account)`);
}
