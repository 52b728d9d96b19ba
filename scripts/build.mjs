// Bundles the CLI into dist/ with esbuild: one entry plus lazily loaded chunks, so that `sstore --version` parses
// only what it needs. Heavy modules (the server, prompts, tables, keychain, pseudo-terminal) are dynamic imports and land
// in chunks. scripts/sea.mjs imports `bundleOptions` to build the single executable's CommonJS bundle from the same settings.
import { build } from 'esbuild';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Build beside dist/ and swap it in, so a CLI process started during a rebuild never sees half a bundle.
const staging = `dist.${process.pid}`;
const retired = `dist.old.${process.pid}`;

/**
 * `ofetch` → only the module that defines createFetch. Its Node entry imports node:http, node:https and
 * node-fetch-native (~30 ms) to build a fallback fetch, and even its platform-neutral entry builds a default instance
 * from the global Headers as it loads, which makes Node load undici (~40 ms). src/http/client.ts builds its own
 * instance with a fetch it passes, so it needs neither.
 */
function ofetchCore() {
  const entry = new URL('../node_modules/ofetch/dist/index.mjs', import.meta.url);
  const core = /import \{ c as createFetch \} from '(\.\/shared\/ofetch\.[\w-]+\.mjs)'/.exec(readFileSync(entry, 'utf8'))?.[1];
  if (!core) throw new Error('scripts/build.mjs: ofetch no longer exports createFetch as before; update ofetchCore()');
  const contents = `export { c as createFetch } from ${JSON.stringify(new URL(core, entry).pathname)};`;
  return {
    name: 'ofetch-core',
    setup(b) {
      b.onResolve({ filter: /^ofetch$/ }, () => ({ path: 'ofetch', namespace: 'ofetch-core' }));
      b.onLoad({ filter: /.*/, namespace: 'ofetch-core' }, () => ({ contents, resolveDir: new URL('.', entry).pathname }));
    },
  };
}

/** What both bundles share: the npm package's ESM (below) and the single executable's CommonJS (scripts/sea.mjs). */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  plugins: [ofetchCore()],
  define: { SSTORE_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
  // pg's optional libpq binding: required only when `pg.native` is read, which sstore never does.
  external: ['pg-native'],
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build({
    ...bundleOptions,
    entryPoints: { sstore: 'src/cli/main.ts' },
    outdir: staging,
    splitting: true,
    format: 'esm',
    target: 'node22',
    chunkNames: 'chunks/[name]-[hash]',
    // Native addons: each one's loader picks the prebuilt binary for the platform at run time.
    external: [...bundleOptions.external, '@napi-rs/keyring', '@lydell/node-pty'],
    // Bundled CommonJS packages call require() for Node built-ins.
    banner: { js: "import{createRequire as __sstoreRequire}from'node:module';const require=__sstoreRequire(import.meta.url);" },
  });
  // The single executables (`npm run sea`) live in dist/sea/ and are not rebuilt here: keep them across the swap.
  if (existsSync('dist/sea')) renameSync('dist/sea', `${staging}/sea`);
  try {
    renameSync('dist', retired);
  } catch {
    // no previous build
  }
  renameSync(staging, 'dist');
  rmSync(retired, { recursive: true, force: true });
}
