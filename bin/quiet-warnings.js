// Node 22 prints an ExperimentalWarning the first time node:sqlite loads; sstore's output is its interface, so that
// one warning is dropped, every other one still shows. Imported for its effect by bin/sstore.js (the npm package) and
// scripts/sea-entry.ts (the single executable), before the CLI itself.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (typeof text === 'string' && text.startsWith('SQLite is an experimental feature')) return;
  return emitWarning.call(process, warning, ...rest);
};
