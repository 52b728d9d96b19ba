import { SstoreError } from '../../../errors.ts';
import type { ProviderDescriptor } from '../../../providers/descriptor.ts';

/** The checks `profile add` and `profile set` share: each field is refused in one line before anything is saved. */

export function checkAccount(descriptor: ProviderDescriptor, account: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(account) || account.length > descriptor.maxAccountLength) {
    throw new SstoreError('usage', `--account is not an account id: ${account}`, { reason: 'account_invalid' });
  }
  return account;
}

export function checkStoreApplies(descriptor: ProviderDescriptor): void {
  if (!descriptor.capabilities.nativeStores) {
    throw new SstoreError('usage', `--store does not apply to ${descriptor.name}: its ${descriptor.accountNoun} is the one implicit store`, {
      reason: 'store_implicit',
    });
  }
}

export interface CheckedUrl {
  url: string;
  /** Said to the user when the URL was completed. */
  note?: string;
}

/**
 * A profile URL, trailing slashes removed. A bare server address (what `sstore server start` prints) gets the path
 * where the provider's API starts there (`/client/v4` for Cloudflare); any other path is kept as given (a gateway may
 * use its own), except one holding a path sstore adds itself.
 */
export function checkUrl(descriptor: ProviderDescriptor, raw: string): CheckedUrl {
  const url = raw.replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SstoreError('usage', `--url is not a URL: ${url}`, { reason: 'url_invalid' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new SstoreError('usage', '--url must be http or https', { reason: 'url_invalid' });
  if (parsed.search !== '' || parsed.hash !== '') throw new SstoreError('usage', '--url takes no query or fragment', { reason: 'url_invalid' });
  const pasted = descriptor.pastedPath;
  if (pasted?.pattern.test(parsed.pathname)) {
    throw new SstoreError('usage', `--url for ${descriptor.name} is the server root: sstore adds ${pasted.adds} itself`, {
      reason: 'url_invalid',
      hint: `e.g. --url ${parsed.origin}`,
    });
  }
  if (descriptor.root !== '' && (parsed.pathname === '/' || parsed.pathname === '')) {
    const completed = `${parsed.origin}${descriptor.root}`;
    return { url: completed, note: `the ${descriptor.title} API is under ${descriptor.root}: using --url ${completed}` };
  }
  return { url };
}
