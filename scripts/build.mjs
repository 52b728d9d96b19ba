// Bundles the CLI into dist/ with esbuild: one entry plus lazily loaded chunks, so that `sstore --version` parses
// only what it needs. Heavy modules (the server, prompts, tables, keychain, pseudo-terminal) are dynamic imports and land in chunks.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';

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

await build({
  entryPoints: { sstore: 'src/cli/main.ts' },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Native addons: each one's loader picks the prebuilt binary for the platform at run time.
  external: ['@napi-rs/keyring', '@lydell/node-pty'],
  plugins: [ofetchCore()],
  define: { SSTORE_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS packages call require() for Node built-ins.
  banner: { js: "import{createRequire as __sstoreRequire}from'node:module';const require=__sstoreRequire(import.meta.url);" },
  logLevel: 'warning',
});

try {
  renameSync('dist', retired);
} catch {
  // no previous build
}
renameSync(staging, 'dist');
rmSync(retired, { recursive: true, force: true });
