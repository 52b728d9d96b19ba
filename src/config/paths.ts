import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = NodeJS.ProcessEnv;

function base(env: Env, xdgVar: string, linuxDefault: string[], macDefault: string[], winVar: string): string {
  if (process.platform === 'win32') return join(env[winVar] ?? join(homedir(), 'AppData', 'Roaming'), 'sstore');
  if (process.platform === 'darwin' && !env[xdgVar]) return join(homedir(), ...macDefault, 'sstore');
  return join(env[xdgVar] || join(env.HOME || homedir(), ...linuxDefault), 'sstore');
}

/** Profiles and, where no keychain works, the credentials file. `SSTORE_CONFIG_DIR` overrides. */
export function configDir(env: Env = process.env): string {
  return env.SSTORE_CONFIG_DIR || base(env, 'XDG_CONFIG_HOME', ['.config'], ['Library', 'Preferences'], 'APPDATA');
}

/** The embedded store: database and (fallback) master key. `SSTORE_DATA_DIR` overrides. */
export function dataDir(env: Env = process.env): string {
  return env.SSTORE_DATA_DIR || base(env, 'XDG_DATA_HOME', ['.local', 'share'], ['Library', 'Application Support'], 'LOCALAPPDATA');
}

/** Short-lived caches (shell completion). */
export function cacheDir(env: Env = process.env): string {
  return env.SSTORE_CACHE_DIR || base(env, 'XDG_CACHE_HOME', ['.cache'], ['Library', 'Caches'], 'LOCALAPPDATA');
}
