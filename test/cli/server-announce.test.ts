import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { BIN, isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

/** Runs a line in sh, the way a person pastes it, followed by sstore commands. */
function shell(script: string, env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { env: { ...env, SSTORE: `${process.execPath} ${BIN}` } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

test('the export line `server start` prints works as printed in a fresh shell', async () => {
  const server = await startServer({ env: isolatedEnv(), dataDir: tempDir() });
  const line = /^ {2}(export SSTORE_API_URL=\S+ CLOUDFLARE_ACCOUNT_ID=\S+ SSTORE_API_TOKEN=sst_\S+)$/m.exec(server.stdout())?.[1];
  assert.ok(line, server.stdout());
  const env = isolatedEnv();
  const r = await shell(`${line} && $SSTORE stores create main && $SSTORE secrets put FROM_EXPORT && $SSTORE secrets list -q`, env, 'v');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'FROM_EXPORT\n');
  assert.match(r.stderr, /created secret FROM_EXPORT in store main/);
  // A profile built from the environment is set with the environment: the hint says so, not `profile set env`.
  const two = await shell(`${line} && $SSTORE stores create second && $SSTORE secrets list`, env);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /\nhint: or set a default: `export SSTORE_STORE=S`\n$/);
  const chosen = await shell(`${line} && SSTORE_STORE=main $SSTORE secrets list -q`, env);
  assert.equal(chosen.stdout, 'FROM_EXPORT\n', chosen.stderr);
});

test('a later start prints the same line without a token, and the URL to use', async () => {
  const dataDir = tempDir();
  const env = isolatedEnv();
  const first = await startServer({ env, dataDir });
  assert.equal(await first.stop(), 0);
  const second = await startServer({ env, dataDir });
  assert.match(second.stdout(), /^ {2}export SSTORE_API_URL=http:\/\/127\.0\.0\.1:\d+\/client\/v4 CLOUDFLARE_ACCOUNT_ID=\w+ {3}# and SSTORE_API_TOKEN: one of this server's tokens$/m);
  assert.doesNotMatch(second.stdout(), /sst_/);
});
