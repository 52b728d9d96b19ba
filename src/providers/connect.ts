import { fastApiError, problemDetailsError, responseError } from '../http/errors.ts';
import type { HttpClient, HttpClientOptions } from '../http/client.ts';
import { cloudflareProvider } from './cloudflare.ts';
import { neostoreProvider } from './neostore.ts';
import type { Provider, ProviderName } from './provider.ts';
import { sgpProvider } from './sgp.ts';

/** How each provider speaks on the wire: its auth headers and its error bodies. */
export interface Wire {
  /** `token` is undefined in-process, where the app trusts the caller. */
  headers(token: string | undefined, account: string): Record<string, string>;
  errorFor: NonNullable<HttpClientOptions['errorFor']>;
  /** The path under the server root where its API starts (what a local server's root URL needs appended). */
  root: string;
}

export const WIRES: Record<ProviderName, Wire> = {
  cloudflare: {
    headers: (token): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
    errorFor: responseError,
    root: '/client/v4',
  },
  sgp: {
    headers: (token, account) => ({ ...(token && { 'x-api-key': token }), 'x-selected-account-id': account }),
    errorFor: fastApiError,
    root: '',
  },
  neostore: {
    headers: (token): Record<string, string> => (token ? { 'x-api-key': token } : {}),
    errorFor: problemDetailsError,
    root: '',
  },
};

export interface ConnectOptions {
  http: HttpClient;
  /** Cloudflare account, SGP account, Neostore tenant. */
  account: string;
  /** Cloudflare only: whether the `/value` extension exists (not on api.cloudflare.com). */
  canReveal: boolean;
  close?: () => Promise<void>;
}

export function connectProvider(name: ProviderName, options: ConnectOptions): Provider {
  const close = options.close && { close: options.close };
  switch (name) {
    case 'cloudflare':
      return cloudflareProvider({ http: options.http, accountId: options.account, canReveal: options.canReveal, ...close });
    case 'sgp':
      return sgpProvider({ http: options.http, accountId: options.account, ...close });
    case 'neostore':
      return neostoreProvider({ http: options.http, tenantId: options.account, ...close });
  }
}
