import { unsupported, type Provider } from './provider.ts';

/** What a command asks of a provider beyond the basics; each true item must be in its capabilities. */
export interface Wanted {
  comment?: boolean;
  scopes?: boolean;
  window?: boolean;
  duplicate?: boolean;
}

/**
 * Refuses, before any request or prompt, what the provider cannot do: one line naming the flag and the provider
 * (exit 2), with a hint saying what the provider does instead.
 */
export function requireSupport(provider: Provider, wanted: Wanted): void {
  const { name, capabilities } = provider;
  if (wanted.duplicate && !capabilities.duplicate) {
    throw unsupported('secrets dup', name, 'values are write-only and there is no copy: put the value again under the new key');
  }
  if (wanted.scopes && !capabilities.scopes) throw unsupported('--scopes', name, `${name} secrets have no scopes`);
  if (wanted.comment && !capabilities.comments) throw unsupported('--comment', name, `${name} stores a key and a value, nothing more`);
  if (wanted.window && !capabilities.validityWindow) throw unsupported('a validity window (--not-before, --expires-on)', name, 'only neostore secrets have one');
}
