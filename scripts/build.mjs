// Bundles the CLI into dist/ with esbuild: one entry plus lazily loaded chunks, so that `sstore --version` parses
// only what it needs. Heavy modules (the server, prompts, tables, keychain) are dynamic imports and land in chunks.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Build beside dist/ and swap it in, so a CLI process started during a rebuild never sees half a bundle.
const staging = `dist.${process.pid}`;
const retired = `dist.old.${process.pid}`;

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
  // A native addon: its loader picks the prebuilt binary at run time.
  external: ['@napi-rs/keyring'],
  // ofetch's Node build imports node:http, node:https and node-fetch-native (~30 ms at start-up) only to build a
  // fallback fetch; src/http/client.ts always passes a fetch, so the platform-neutral build is enough.
  alias: { ofetch: './node_modules/ofetch/dist/index.mjs' },
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
