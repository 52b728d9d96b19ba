// The single executable's entry, bundled as CommonJS by scripts/sea.mjs: what bin/sstore.js does before the CLI
// (no Node version check: the executable carries its own Node), then the CLI. Imports run in this order.
import '../bin/quiet-warnings.js';
import '../src/cli/main.ts';
