import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getRawAsset } from 'node:sea';
import { cacheDir } from '../src/config/paths.ts';

/**
 * Loads a native addon embedded in the single executable by scripts/sea.mjs (which replaces the addon's npm package
 * with a call to this). Node loads addons from files only, so the bytes are written once to
 * `<cache dir>/native/<asset>-<hash>` (the hash of the bytes, so two versions of sstore never share a file), checked
 * against the embedded bytes on every load, and loaded from there. Any failure throws, and the caller's fallback
 * applies (the keychain's: the master key file, with its one-line notice).
 */
export function loadEmbeddedAddon(asset: string, hash: string): unknown {
  const bytes = new Uint8Array(getRawAsset(asset));
  const dir = join(cacheDir(), 'native');
  const file = join(dir, `${asset.replace(/\.node$/, '')}-${hash}.node`);
  let current: Buffer | undefined;
  try {
    current = readFileSync(file);
  } catch {
    // not written yet
  }
  if (!current?.equals(bytes)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, bytes, { mode: 0o700 });
    renameSync(partial, file);
  }
  const addon = { exports: {} };
  process.dlopen(addon, file);
  return addon.exports;
}
