import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, isolatedEnv, tempDir } from '../helpers/env.ts';
import { readmeBlocks, type ReadmeBlock } from '../helpers/readme-blocks.ts';
import { startServer } from '../helpers/server.ts';

/**
 * Every README example marked `<!-- readme-test -->` runs as written, in bash with `set -euo pipefail`, as a new
 * user on a fresh account: own HOME, no configuration, `sstore` on PATH, no terminal, CI set. A server block gets
 * a throwaway server, and its `127.0.0.1:8787` becomes that server's address.
 */

const ROOT_TOKEN = 'sst_readme_root_token_0123456789abcdef';

/** A folder holding an `sstore` command that runs this checkout's binary on this Node. */
function sstoreOnPath(): string {
  const dir = tempDir('sstore-readme-bin-');
  const launcher = join(dir, 'sstore');
  writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(launcher, 0o755);
  return dir;
}

function bash(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function runBlock(block: ReadmeBlock): Promise<void> {
  const env = isolatedEnv({ PATH: `${sstoreOnPath()}:${process.env.PATH ?? ''}` });
  const cwd = tempDir('sstore-readme-cwd-');
  let script = `${block.setup}\n${block.code}\n`;
  if (block.mode === 'server') {
    // The block's `server token` commands work on the running server's data dir, as they would on the user's.
    env.SSTORE_DATA_DIR = tempDir('sstore-readme-server-');
    const server = await startServer({ env: { ...env, SSTORE_ROOT_TOKEN: ROOT_TOKEN }, dataDir: env.SSTORE_DATA_DIR });
    script = script.replaceAll('127.0.0.1:8787', new URL(server.url).host);
    env.SSTORE_TOKEN = ROOT_TOKEN;
  }
  const result = await bash(script, env, cwd);
  assert.equal(result.code, 0, `README.md:${block.line}: the example failed (exit ${result.code}):\n${result.out}`);
  assert.doesNotMatch(result.out, /^\s+at .+:\d+:\d+\)?$/m, `README.md:${block.line}: a stack trace`);
}

const blocks = readmeBlocks();

test('the README marks its runnable examples', () => {
  assert.ok(blocks.length >= 8, `only ${blocks.length} README blocks are marked readme-test`);
});

for (const block of blocks) {
  test(`README.md:${block.line} (${block.mode}) runs as written`, () => runBlock(block));
}
