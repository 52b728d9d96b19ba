import type { Store } from './provider.ts';

/**
 * SGP accounts and Neostore tenants have no stores: the account (or tenant) is the one implicit store, named and
 * identified by its id. Listing it costs no request; `--store` may name it, nothing else.
 */
export function implicitStore(id: string, kind: 'account' | 'tenant'): Store {
  return { id, name: id, created: undefined, modified: undefined, raw: { id, name: id, implicit: kind } };
}
