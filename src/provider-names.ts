/**
 * The providers sstore speaks, named once. A leaf module (like errors.ts) so that both sides use the one list: the
 * client (`providers/`, `config/`) and the engine, whose namespaces are these names.
 */
export const PROVIDER_NAMES = ['cloudflare', 'sgp', 'neostore'] as const;

export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(name: unknown): name is ProviderName {
  return typeof name === 'string' && (PROVIDER_NAMES as readonly string[]).includes(name);
}
