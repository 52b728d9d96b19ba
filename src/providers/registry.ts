import { PROVIDER_NAMES, type ProviderName } from '../provider-names.ts';
import { CLOUDFLARE } from './cloudflare.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { NEOSTORE } from './neostore.ts';
import { SGP } from './sgp.ts';

/** Every provider's descriptor, by name: the one place that lists the implementations. */
export const PROVIDERS: Readonly<Record<ProviderName, ProviderDescriptor>> = { cloudflare: CLOUDFLARE, sgp: SGP, neostore: NEOSTORE };

export function descriptorOf(name: ProviderName): ProviderDescriptor {
  return PROVIDERS[name];
}

/** All descriptors, in the documented order (cloudflare, sgp, neostore). */
export function allProviders(): ProviderDescriptor[] {
  return PROVIDER_NAMES.map((name) => PROVIDERS[name]);
}
