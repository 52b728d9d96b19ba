import { readFileSync } from 'node:fs';

declare const SSTORE_VERSION: string | undefined;

/**
 * Replaced at build time by esbuild; read from package.json when running from source (tests). A plain read, not a
 * top-level await: the single executable's entry is CommonJS, which has none.
 */
export const VERSION: string =
  typeof SSTORE_VERSION === 'string'
    ? SSTORE_VERSION
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
