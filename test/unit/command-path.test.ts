import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkCommand } from '../../src/run/command-path.ts';
import { tempDir } from '../helpers/env.ts';

// The check run --mask makes before a pseudo-terminal spawn must agree with what a shell (execvp) would do.
test('a command is found as execvp finds it: PATH in order, an executable file, a path with / as given', () => {
  const dir = tempDir();
  const [first, second] = [join(dir, 'first'), join(dir, 'second')];
  mkdirSync(first);
  mkdirSync(second);
  writeFileSync(join(first, 'tool'), '#!/bin/sh\n', { mode: 0o644 }); // there, not executable: execvp goes on
  writeFileSync(join(second, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
  mkdirSync(join(first, 'dir-tool'));
  writeFileSync(join(dir, 'local'), '#!/bin/sh\n', { mode: 0o755 });
  const env = { PATH: `${first}:${second}` };

  assert.equal(checkCommand('tool', env, dir), undefined);
  assert.equal(checkCommand('./local', env, dir), undefined);
  assert.equal(checkCommand(join(dir, 'local'), env, '/'), undefined);
  assert.equal(checkCommand('local', { PATH: `:${first}` }, dir), undefined, 'an empty PATH entry is the working directory');
  assert.deepEqual(checkCommand('local', env, dir), { exitCode: 127, spawnError: 'command not found: local' }, 'not searched in the working directory');
  assert.deepEqual(checkCommand('nope', env, dir), { exitCode: 127, spawnError: 'command not found: nope' });
  assert.deepEqual(checkCommand('./nope', env, dir), { exitCode: 127, spawnError: 'command not found: ./nope' });

  chmodSync(join(second, 'tool'), 0o644);
  assert.deepEqual(checkCommand('tool', env, dir), { exitCode: 126, spawnError: 'cannot run tool: EACCES' });
  assert.deepEqual(checkCommand('dir-tool', env, dir), { exitCode: 126, spawnError: 'cannot run dir-tool: EACCES' });
  assert.deepEqual(checkCommand(first, env, dir), { exitCode: 126, spawnError: `cannot run ${first}: EACCES` });
});
