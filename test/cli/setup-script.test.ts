import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ROOT, tempDir } from '../helpers/env.ts';

// scripts/setup.sh on a checkout that has no Node in .cache yet, with the npm registry unreachable (a closed port on
// loopback): it stops with npm's own error, never silently. It runs in a copy, so this checkout is left alone.
const packages = /^APT_PACKAGES=\(([^)]*)\)/m.exec(readFileSync(join(ROOT, 'scripts', 'setup.sh'), 'utf8'))?.[1]?.split(/\s+/).filter(Boolean) ?? [];
const installed = packages.every((pkg) => /install ok installed/.test(spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout ?? ''));
// With a Debian package missing, setup (as root) would install it: this test never changes the machine.
const skip = packages.length > 0 && installed ? false : 'the Debian packages setup.sh installs are not all installed';

test('setup.sh shows npm\'s error and exits 1 when the registry is unreachable', { skip }, () => {
  const checkout = tempDir('sstore-setup-');
  mkdirSync(join(checkout, 'scripts'));
  copyFileSync(join(ROOT, 'scripts', 'setup.sh'), join(checkout, 'scripts', 'setup.sh'));
  writeFileSync(join(checkout, 'package.json'), '{"name":"setup-check","version":"0.0.0","private":true}');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: checkout,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_fetch_retries: '0',
    npm_config_cache: join(checkout, 'npm-cache'),
  };
  const r = spawnSync('bash', [join(checkout, 'scripts', 'setup.sh')], { cwd: checkout, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /setup: error: installing Node [\d.]+ failed \(npm exited \d+; registry: http:\/\/127\.0\.0\.1:9\/\):\n/);
  assert.match(r.stderr, /ECONNREFUSED|network/i, 'npm\'s own words are shown');
});
