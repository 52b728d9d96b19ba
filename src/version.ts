declare const SSTORE_VERSION: string | undefined;

/** Replaced at build time by esbuild; read from package.json when running from source (tests). */
export const VERSION: string =
  typeof SSTORE_VERSION === 'string'
    ? SSTORE_VERSION
    : (JSON.parse((await import('node:fs')).readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
