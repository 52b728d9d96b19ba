/**
 * The OS keychain through @napi-rs/keyring (keytar is archived and needs libsecret headers to install). Every call is
 * wrapped: a missing or locked keychain (headless Linux, CI) is "not available", never an error that blocks the user.
 */
const SERVICE = 'sstore';

export interface Keychain {
  get(account: string): Promise<string | undefined>;
  /** Returns false when the keychain cannot store it. */
  set(account: string, secret: string): Promise<boolean>;
  delete(account: string): Promise<boolean>;
}

export function keychainDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SSTORE_NO_KEYCHAIN === '1' || env.SSTORE_NO_KEYCHAIN === 'true';
}

export function openKeychain(env: NodeJS.ProcessEnv = process.env): Keychain {
  const disabled = keychainDisabled(env);
  const entry = async (account: string) => {
    const { AsyncEntry } = await import('@napi-rs/keyring');
    // Pinned to the Secret Service: the library's fallback on Linux is the kernel keyring, which lives in memory
    // and would lose a master key at the next reboot.
    return new AsyncEntry(SERVICE, account, { linux: { store: 'secret-service' } });
  };
  return {
    async get(account) {
      if (disabled) return undefined;
      try {
        const value = await (await entry(account)).getPassword();
        return value ?? undefined;
      } catch {
        return undefined;
      }
    },
    async set(account, secret) {
      if (disabled) return false;
      try {
        const e = await entry(account);
        await e.setPassword(secret);
        // Some backends accept a write they cannot read back (a locked collection): only a read proves it stuck.
        return (await e.getPassword()) === secret;
      } catch {
        return false;
      }
    },
    async delete(account) {
      if (disabled) return false;
      try {
        return await (await entry(account)).deleteCredential();
      } catch {
        return false;
      }
    },
  };
}
