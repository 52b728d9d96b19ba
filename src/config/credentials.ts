import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openKeychain } from '../keychain.ts';
import { configDir } from './paths.ts';
import type { ProviderName } from '../provider-names.ts';
import { descriptorOf } from '../providers/registry.ts';

/**
 * API tokens, first match wins:
 *   1. SSTORE_API_TOKEN, then the profile's provider's own variable: CLOUDFLARE_API_TOKEN, SGP_API_KEY or
 *      NEOSTORE_API_KEY (the environment always wins: CI needs no login). Another provider's variable is never used,
 *      so a Cloudflare token is never sent to SGP or Neostore.
 *   2. the OS keychain (service "sstore", account "token:<profile>")
 *   3. `<config dir>/credentials.json`, mode 0600, written only when no keychain is usable
 * A missing or broken keychain is "not there", never an error: env and file auth keep working.
 */
export type TokenSource = 'SSTORE_API_TOKEN' | 'CLOUDFLARE_API_TOKEN' | 'SGP_API_KEY' | 'NEOSTORE_API_KEY' | 'keychain' | 'file';

export interface FoundToken {
  token: string;
  source: TokenSource;
}

/** The environment variables that carry a token for this provider, in precedence order. */
export function tokenVariables(provider: ProviderName): TokenSource[] {
  return ['SSTORE_API_TOKEN', descriptorOf(provider).env.token as TokenSource];
}

export function credentialsFile(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'credentials.json');
}

const keychainAccount = (profile: string) => `token:${profile}`;

function readFile(env: NodeJS.ProcessEnv): Record<string, string> {
  const path = credentialsFile(env);
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { tokens?: Record<string, string> };
    return parsed.tokens ?? {};
  } catch {
    return {};
  }
}

function writeFile(env: NodeJS.ProcessEnv, tokens: Record<string, string>): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = credentialsFile(env);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ tokens }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

export async function findToken(env: NodeJS.ProcessEnv, profile: string, provider: ProviderName): Promise<FoundToken | undefined> {
  for (const name of tokenVariables(provider)) {
    const token = env[name];
    if (token) return { token, source: name };
  }
  const fromKeychain = await openKeychain(env).get(keychainAccount(profile));
  if (fromKeychain) return { token: fromKeychain, source: 'keychain' };
  const fromFile = readFile(env)[profile];
  if (fromFile) return { token: fromFile, source: 'file' };
  return undefined;
}

/** Stores a token: the keychain when it works (and proves it by reading back), else the 0600 file. */
export async function saveToken(env: NodeJS.ProcessEnv, profile: string, token: string): Promise<{ where: 'keychain' } | { where: 'file'; path: string }> {
  if (await openKeychain(env).set(keychainAccount(profile), token)) {
    // A token left in the file from a keychain-less past would shadow nothing, but it should not linger.
    const tokens = readFile(env);
    if (profile in tokens) {
      delete tokens[profile];
      writeFile(env, tokens);
    }
    return { where: 'keychain' };
  }
  writeFile(env, { ...readFile(env), [profile]: token });
  return { where: 'file', path: credentialsFile(env) };
}

/** Removes a profile's token from the keychain and the file; true when there was one. */
export async function deleteToken(env: NodeJS.ProcessEnv, profile: string): Promise<boolean> {
  const fromKeychain = await openKeychain(env).delete(keychainAccount(profile));
  const tokens = readFile(env);
  const inFile = profile in tokens;
  if (inFile) {
    delete tokens[profile];
    writeFile(env, tokens);
  }
  return fromKeychain || inFile;
}
