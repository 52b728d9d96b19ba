#!/usr/bin/env node
// Launcher only: silence the one warning Node 22 prints for node:sqlite, cache compiled code, run the bundle.
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(`error: sstore needs Node.js 22.22 or newer (this is ${process.version})\n`);
  process.exit(1);
}

const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (typeof text === 'string' && text.startsWith('SQLite is an experimental feature')) return;
  return emitWarning.call(process, warning, ...rest);
};

module.enableCompileCache?.();

try {
  await import('../dist/sstore.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/sstore.js')) {
    process.stderr.write('error: sstore is not built yet: run `npm install` (or `npm run build`) in its folder\n');
    process.exit(1);
  }
  throw error;
}
