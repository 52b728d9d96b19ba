#!/usr/bin/env node
// Launcher only: silence the one warning Node 22 prints for node:sqlite, cache compiled code, run the bundle.
import module from 'node:module';
import './quiet-warnings.js';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(`error: sstore needs Node.js 22.22 or newer (this is ${process.version})\n`);
  process.exit(1);
}

module.enableCompileCache?.();

try {
  await import('../dist/sstore.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/sstore.js')) {
    process.stderr.write('error: sstore is not built yet: run `npm run build` (or `bash scripts/setup.sh`) in its folder\n');
    process.exit(1);
  }
  throw error;
}
