import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const BIN = join(ROOT, 'bin', 'sstore.js');

/** A fresh directory removed when the test file ends. */
export function tempDir(prefix = 'sstore-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * An isolated environment for one CLI user: own HOME, config, data and cache dirs, no inherited credentials or
 * profile selection, no colour, CI set (so nothing ever prompts).
 */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = tempDir('sstore-home-');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(SSTORE_|CLOUDFLARE_|SGP_|NEOSTORE_|FORCE_COLOR|NO_COLOR)/.test(key) && key !== 'SSTORE_TEST_KEYCHAIN') continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    SSTORE_CONFIG_DIR: join(home, 'config'),
    SSTORE_DATA_DIR: join(home, 'data'),
    SSTORE_CACHE_DIR: join(home, 'cache'),
    CI: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
