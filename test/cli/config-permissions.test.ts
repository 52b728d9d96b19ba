/**
 * Issue 12, item 8: under a permissive umask (000) the config dir is still created 0700 and config.json 0600, as the
 * data dir and the credentials file already are: no other local user may edit where a profile sends its token.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, isolatedEnv } from '../helpers/env.ts';

function cliUnderUmask000(args: string[], env: NodeJS.ProcessEnv) {
  // The real binary, started by a shell that set the umask first.
  return spawnSync('sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, BIN, ...args], { env, encoding: 'utf8' });
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('with umask 000, profile add creates the config dir 0700 and config.json 0600', () => {
  const env = isolatedEnv();
  const added = cliUnderUmask000(['profile', 'add', 'dev', '--url', 'http://127.0.0.1:1/client/v4', '--account', 'acc'], env);
  assert.equal(added.status, 0, added.stderr);
  assert.equal(mode(env.SSTORE_CONFIG_DIR!), '700');
  assert.equal(mode(join(env.SSTORE_CONFIG_DIR!, 'config.json')), '600');
  // A second write (another profile) keeps it so.
  assert.equal(cliUnderUmask000(['profile', 'add', 'other', '--url', 'http://127.0.0.1:2/client/v4', '--account', 'acc'], env).status, 0);
  assert.equal(mode(join(env.SSTORE_CONFIG_DIR!, 'config.json')), '600');
});
