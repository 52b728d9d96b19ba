import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SstoreError } from '../errors.ts';
import { shownName } from '../providers/name-problem.ts';
import type { ProviderName } from '../provider-names.ts';
import { allProviders, descriptorOf } from '../providers/registry.ts';
import { parseConfig } from './config-schema.ts';
import { configDir } from './paths.ts';

/**
 * Profiles: which API, where, which account, which default store. Stored with `conf` in `<config dir>/config.json`;
 * `conf` is loaded only when that file exists or a profile is written, so a machine with no configuration (the
 * embedded store) never pays for it.
 *
 * Which profile a command uses, first match wins:
 *   1. --profile NAME          2. SSTORE_PROFILE          3. the active profile (`sstore profile use`)
 *   4. an unnamed profile "env" built from the environment (CI), for the provider whose account variable is set:
 *      SGP_ACCOUNT_ID → sgp, NEOSTORE_TENANT_ID → neostore, CLOUDFLARE_ACCOUNT_ID (or SSTORE_API_URL alone) →
 *      cloudflare; two providers' variables at once is a usage error
 *   5. `local`, the embedded store
 * Then, for any profile that is not in-process: SSTORE_API_URL replaces its URL, and the account variable of its own
 * provider (never another's) replaces its account. SSTORE_STORE replaces the default store of any profile whose
 * provider has stores, `local` included (an SGP account or a Neostore tenant is its one implicit store).
 */
export type { ProviderName };

export interface Profile {
  name: string;
  provider: ProviderName;
  /** The embedded store, in-process (`local`, and profiles added with --local). */
  local: boolean;
  /** API base URL; undefined for in-process profiles. */
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

interface StoredProfile {
  provider: ProviderName;
  /** Absent for in-process profiles. */
  url?: string;
  account: string;
  store?: string;
  local?: boolean;
}

/** The built-in `local` profile is not in `profiles`; only its default store can be set. */
interface StoredLocal {
  store?: string;
}

interface ConfigFile {
  active?: string;
  profiles?: Record<string, StoredProfile>;
  local?: StoredLocal;
}

export function configFile(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'config.json');
}

async function openConf(env: NodeJS.ProcessEnv) {
  // Checked first: conf would otherwise throw its own multi-line error on a damaged file.
  await readConfig(env);
  const { default: Conf } = await import('conf');
  // 0700 and 0600 whatever the umask: another user who could edit config.json could point a profile at their own URL
  // and receive its token. chmod, because mkdir's mode is reduced by the umask.
  const dir = configDir(env);
  if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dir, 0o700);
  return new Conf<ConfigFile>({ cwd: dir, configName: 'config', projectSuffix: '', clearInvalidConfig: false, configFileMode: 0o600 });
}

/** The profiles file, checked; no file is no profiles. A file (or folder) that cannot be read is an error, never `local`. */
async function readConfig(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  const file = configFile(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    throw new SstoreError('usage', `cannot read ${file} (${code ?? 'error'})`, {
      reason: 'config_unreadable',
      hint: 'fix its permissions (the config dir should be yours, mode 0700), or set SSTORE_CONFIG_DIR',
      cause: error,
    });
  }
  return parseConfig(text, file);
}

export function localProfile(config: ConfigFile = {}): Profile {
  return { name: LOCAL_PROFILE, provider: 'cloudflare', local: true, url: undefined, account: undefined, store: config.local?.store };
}

function fromStored(name: string, stored: StoredProfile): Profile {
  const local = stored.local === true;
  return { name, provider: stored.provider, local, url: local ? undefined : stored.url, account: stored.account, store: stored.store };
}

function environmentProfile(provider: ProviderName): Profile {
  return { name: ENV_PROFILE, provider, local: false, url: descriptorOf(provider).defaultUrl, account: undefined, store: undefined };
}

/** The provider the environment names (step 4 above), or undefined. */
function environmentProvider(env: NodeJS.ProcessEnv): ProviderName | undefined {
  const named = allProviders().filter((p) => env[p.env.account]);
  if (named.length > 1) {
    throw new SstoreError('usage', `the environment names several providers (${named.map((p) => p.env.account).join(', ')})`, {
      reason: 'environment_ambiguous',
      hint: 'unset all but one, or choose a profile with --profile or SSTORE_PROFILE',
    });
  }
  return named[0]?.name ?? (env.SSTORE_API_URL ? 'cloudflare' : undefined);
}

export async function listProfiles(env: NodeJS.ProcessEnv): Promise<{ profiles: Profile[]; active: string }> {
  const config = await readConfig(env);
  const stored = Object.entries(config.profiles ?? {}).map(([name, p]) => fromStored(name, p));
  return { profiles: [localProfile(config), ...stored.sort((a, b) => a.name.localeCompare(b.name))], active: config.active ?? LOCAL_PROFILE };
}

/** `from` names where the name came from when it was not typed on this command line (SSTORE_PROFILE, the active profile). */
export async function getProfile(env: NodeJS.ProcessEnv, name: string, from?: string): Promise<Profile> {
  const config = await readConfig(env);
  if (name === LOCAL_PROFILE) return localProfile(config);
  if (name === ENV_PROFILE && !config.profiles?.[name]) {
    // `--profile env` names the profile the environment builds (step 4), e.g. `sync --to env` in CI.
    const provider = environmentProvider(env);
    if (provider) return environmentProfile(provider);
    throw new SstoreError('usage', 'the environment names no provider, so there is no profile "env"', {
      reason: 'profile_not_found',
      hint: `set ${allProviders().map((p) => p.env.account).join(', ')} or SSTORE_API_URL`,
    });
  }
  const stored = config.profiles?.[name];
  if (!stored) {
    throw new SstoreError('usage', `no profile named ${shownName(name)}${from ? ` (from ${from})` : ''}`, { reason: 'profile_not_found', hint: 'list them with `sstore profile list`' });
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
    profile = await getProfile(env, env.SSTORE_PROFILE, 'SSTORE_PROFILE');
    selectedBy = 'SSTORE_PROFILE';
  } else if (config?.active) {
    profile = await getProfile(env, config.active, `the active profile in ${configFile(env)}`);
    selectedBy = 'active';
  } else {
    const provider = environmentProvider(env);
    if (provider) {
      profile = environmentProfile(provider);
      selectedBy = 'environment';
    } else {
      profile = localProfile(config);
      selectedBy = 'default';
    }
  }
  const overridden: string[] = [];
  if (env.SSTORE_STORE && descriptorOf(profile.provider).capabilities.nativeStores) {
    profile = { ...profile, store: env.SSTORE_STORE };
    overridden.push('store (SSTORE_STORE)');
  }
  if (!profile.local) {
    if (env.SSTORE_API_URL) {
      profile = { ...profile, url: env.SSTORE_API_URL };
      overridden.push('url (SSTORE_API_URL)');
    }
    const accountVar = descriptorOf(profile.provider).env.account;
    const account = env[accountVar];
    if (account) {
      profile = { ...profile, account };
      overridden.push(`account (${accountVar})`);
    }
  }
  return { ...profile, selectedBy, overridden };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function checkProfileName(name: string): void {
  if (!NAME.test(name)) {
    throw new SstoreError('usage', `invalid profile name ${shownName(name)}: use letters, digits, "_" and "-" (up to 64)`, { reason: 'profile_name_invalid' });
  }
  if (name === LOCAL_PROFILE || name === ENV_PROFILE) {
    throw new SstoreError('usage', `"${name}" is a built-in profile name`, {
      reason: 'profile_name_reserved',
      ...(name === LOCAL_PROFILE && { hint: 'to give it a default store: `sstore profile set local --store S`' }),
    });
  }
}

/** A remote profile needs its URL; an in-process one has none. */
export async function saveProfile(env: NodeJS.ProcessEnv, profile: Profile & { account: string }): Promise<boolean> {
  checkProfileName(profile.name);
  if (!profile.local && profile.url === undefined) throw new SstoreError('usage', `profile "${profile.name}" needs a URL`, { reason: 'url_missing' });
  const conf = await openConf(env);
  const key = `profiles.${profile.name}` as const;
  const existed = conf.has(key);
  const stored: StoredProfile = {
    provider: profile.provider,
    ...(profile.local ? { local: true } : { url: profile.url! }),
    account: profile.account,
    ...(profile.store !== undefined && { store: profile.store }),
  };
  conf.set(key, stored);
  return existed;
}

/** What `profile set` changes: a field given is replaced, `null` clears it, a field absent is kept. */
export interface ProfileChanges {
  url?: string;
  account?: string;
  store?: string | null;
}

/** Changes some fields of a saved profile (or the default store of `local`) and returns the profile as saved. */
export async function updateProfile(env: NodeJS.ProcessEnv, name: string, changes: ProfileChanges): Promise<Profile> {
  const current = await getProfile(env, name);
  const conf = await openConf(env);
  if (name === LOCAL_PROFILE) {
    if (changes.url !== undefined || changes.account !== undefined) {
      throw new SstoreError('usage', 'the local profile is built in: only its default store can be set', { reason: 'profile_builtin' });
    }
    if (changes.store === null) conf.delete('local.store');
    else if (changes.store !== undefined) conf.set('local.store', changes.store);
    return getProfile(env, name);
  }
  if (current.local && changes.url !== undefined) {
    throw new SstoreError('usage', `profile "${name}" runs in-process: it has no URL`, { reason: 'url_local' });
  }
  const key = `profiles.${name}` as const;
  if (changes.url !== undefined) conf.set(`${key}.url`, changes.url);
  if (changes.account !== undefined) conf.set(`${key}.account`, changes.account);
  if (changes.store === null) conf.delete(`${key}.store`);
  else if (changes.store !== undefined) conf.set(`${key}.store`, changes.store);
  return getProfile(env, name);
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
