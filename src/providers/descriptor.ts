import type { SstoreError } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import type { ProviderName } from '../provider-names.ts';
import type { Capabilities, Provider } from './provider.ts';

export interface ConnectOptions {
  http: HttpClient;
  /** Cloudflare account, SGP account, Neostore tenant. */
  account: string;
  close?: () => Promise<void>;
}

/**
 * Everything sstore knows about one provider, in one object: adding a provider is one descriptor (its file), one
 * line in `registry.ts`, and its server dialect. Nothing else names a provider or branches on one.
 */
export interface ProviderDescriptor {
  readonly name: ProviderName;
  /** As messages name it: Cloudflare, SGP, Neostore. */
  readonly title: string;
  /** What an account is called there, and so the one implicit store where there are no stores. */
  readonly accountNoun: 'account' | 'tenant';
  /** The environment: the account (or tenant) id and the token. A token is only ever sent to its provider. */
  readonly env: { readonly account: string; readonly token: string };
  /** The public API (a profile's URL when `--url` is not given). */
  readonly defaultUrl: string;
  /** The path under a server root where the API starts: what a local server's root URL needs appended. */
  readonly root: string;
  /**
   * Paths that sstore appends itself, so a `--url` already holding one is a mistake (`adds` says what sstore adds);
   * undefined where any path is allowed (a gateway's).
   */
  readonly pastedPath: { readonly pattern: RegExp; readonly adds: string } | undefined;
  /** The longest account id the API accepts. */
  readonly maxAccountLength: number;
  /** How the API's values are named when refusing to reveal them (write-only providers). */
  readonly valuesNoun: string;
  /** Auth and account headers; `token` is undefined in-process, where the app trusts the caller. */
  headers(token: string | undefined, account: string): Record<string, string>;
  /** A failed response as one SstoreError: kind from the status, the API's own words as the message. */
  errorFor(status: number, body: unknown): SstoreError;
  /** What it can do. `canReveal` may still be narrowed per URL by `connect` (api.cloudflare.com never reveals). */
  readonly capabilities: Capabilities;
  connect(options: ConnectOptions): Provider;
}

/** "Cloudflare account", "SGP account", "Neostore tenant". */
export function accountLabel(descriptor: ProviderDescriptor): string {
  return `${descriptor.title} ${descriptor.accountNoun}`;
}
