import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SstoreError } from '../errors.ts';
import { configDir } from './paths.ts';

/**
 * Profiles: which API, where, which account, which default store. Stored with `conf` in `<config dir>/config.json`;
 * `conf` is loaded only when that file exists or a profile is written, so a machine with no configuration (the
 * embedded store) never pays for it.
 *
 * Which profile a command uses, first match wins:
 *   1. --profile NAME          2. SSTORE_PROFILE          3. the active profile (`sstore profile use`)
 *   4. SSTORE_API_URL or CLOUDFLARE_ACCOUNT_ID set: an unnamed profile "env" built from the environment (CI)
 *   5. `local`, the embedded store
 * Then, for any profile but `local`: SSTORE_API_URL replaces its URL, CLOUDFLARE_ACCOUNT_ID its account.
 */
export type ProviderName = 'cloudflare' | 'sgp' | 'neostore';
export const PROVIDERS: readonly ProviderName[] = ['cloudflare', 'sgp', 'neostore'];

export interface Profile {
  name: string;
  provider: ProviderName;
  /** API base URL; undefined for `local`, which runs in-process. */
  url: string | undefined;
  /** Account id (or SGP account, Neostore tenant). */
  account: string | undefined;
  /** Default store (name or id). */
  store: string | undefined;
}

export interface ResolvedProfile extends Profile {
  /** How the profile was chosen, for `profile show` and messages. */
  selectedBy: 'flag' | 'SSTORE_PROFILE' | 'active' | 'environment' | 'default';
  /** Fields the environment replaced. */
  overridden: string[];
}

export const LOCAL_PROFILE = 'local';
export const ENV_PROFILE = 'env';
export const CLOUDFLARE_DEFAULT_URL = 'https://api.cloudflare.com/client/v4';

interface StoredProfile {
  provider: ProviderName;
  url: string;
  account: string;
  store?: string;
}

interface ConfigFile {
  active?: string;
  profiles?: Record<string, StoredProfile>;
}

export function configFile(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'config.json');
}

async function openConf(env: NodeJS.ProcessEnv) {
  const { default: Conf } = await import('conf');
  return new Conf<ConfigFile>({ cwd: configDir(env), configName: 'config', projectSuffix: '', clearInvalidConfig: false });
}

async function readConfig(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  if (!existsSync(configFile(env))) return {};
  try {
    return (await openConf(env)).store;
  } catch (error) {
    throw new SstoreError('validation', `cannot read ${configFile(env)}: ${(error as Error).message}`, {
      reason: 'config_unreadable',
      hint: 'fix or remove the file; it holds profiles only, never tokens',
    });
  }
}

export function localProfile(): Profile {
  return { name: LOCAL_PROFILE, provider: 'cloudflare', url: undefined, account: undefined, store: undefined };
}

function fromStored(name: string, stored: StoredProfile): Profile {
  return { name, provider: stored.provider, url: stored.url, account: stored.account, store: stored.store };
}

export async function listProfiles(env: NodeJS.ProcessEnv): Promise<{ profiles: Profile[]; active: string }> {
  const config = await readConfig(env);
  const stored = Object.entries(config.profiles ?? {}).map(([name, p]) => fromStored(name, p));
  return { profiles: [localProfile(), ...stored.sort((a, b) => a.name.localeCompare(b.name))], active: config.active ?? LOCAL_PROFILE };
}

export async function getProfile(env: NodeJS.ProcessEnv, name: string): Promise<Profile> {
  if (name === LOCAL_PROFILE) return localProfile();
  const stored = (await readConfig(env)).profiles?.[name];
  if (!stored) {
    throw new SstoreError('usage', `no profile named "${name}"`, { reason: 'profile_not_found', hint: 'list them with `sstore profile list`' });
  }
  return fromStored(name, stored);
}

export async function resolveProfile(env: NodeJS.ProcessEnv, flag: string | undefined): Promise<ResolvedProfile> {
  let profile: Profile;
  let selectedBy: ResolvedProfile['selectedBy'];
  const config = flag || env.SSTORE_PROFILE ? undefined : await readConfig(env);
  if (flag) {
    profile = await getProfile(env, flag);
    selectedBy = 'flag';
  } else if (env.SSTORE_PROFILE) {
    profile = await getProfile(env, env.SSTORE_PROFILE);
    selectedBy = 'SSTORE_PROFILE';
  } else if (config?.active) {
    profile = await getProfile(env, config.active);
    selectedBy = 'active';
  } else if (env.SSTORE_API_URL || env.CLOUDFLARE_ACCOUNT_ID) {
    profile = { name: ENV_PROFILE, provider: 'cloudflare', url: CLOUDFLARE_DEFAULT_URL, account: undefined, store: undefined };
    selectedBy = 'environment';
  } else {
    return { ...localProfile(), selectedBy: 'default', overridden: [] };
  }
  const overridden: string[] = [];
  if (profile.name !== LOCAL_PROFILE) {
    if (env.SSTORE_API_URL) {
      profile = { ...profile, url: env.SSTORE_API_URL };
      overridden.push('url (SSTORE_API_URL)');
    }
    if (env.CLOUDFLARE_ACCOUNT_ID) {
      profile = { ...profile, account: env.CLOUDFLARE_ACCOUNT_ID };
      overridden.push('account (CLOUDFLARE_ACCOUNT_ID)');
    }
  }
  return { ...profile, selectedBy, overridden };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function checkProfileName(name: string): void {
  if (!NAME.test(name)) {
    throw new SstoreError('usage', `invalid profile name "${name}": use letters, digits, "_" and "-" (up to 64)`, { reason: 'profile_name_invalid' });
  }
  if (name === LOCAL_PROFILE || name === ENV_PROFILE) {
    throw new SstoreError('usage', `"${name}" is a built-in profile name`, { reason: 'profile_name_reserved' });
  }
}

export async function saveProfile(env: NodeJS.ProcessEnv, profile: Profile & { url: string; account: string }): Promise<boolean> {
  checkProfileName(profile.name);
  const conf = await openConf(env);
  const key = `profiles.${profile.name}` as const;
  const existed = conf.has(key);
  conf.set(key, { provider: profile.provider, url: profile.url, account: profile.account, ...(profile.store !== undefined && { store: profile.store }) });
  return existed;
}

export async function removeProfile(env: NodeJS.ProcessEnv, name: string): Promise<void> {
  if (name === LOCAL_PROFILE) throw new SstoreError('usage', 'the local profile is built in and cannot be removed', { reason: 'profile_builtin' });
  await getProfile(env, name);
  const conf = await openConf(env);
  conf.delete(`profiles.${name}`);
  if (conf.get('active') === name) conf.delete('active');
}

export async function useProfile(env: NodeJS.ProcessEnv, name: string): Promise<void> {
  await getProfile(env, name);
  const conf = await openConf(env);
  if (name === LOCAL_PROFILE) conf.delete('active');
  else conf.set('active', name);
}
