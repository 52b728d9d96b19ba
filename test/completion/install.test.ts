import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, isolatedEnv, tempDir } from '../helpers/env.ts';
import { readmeBlocks } from '../helpers/readme-blocks.ts';

// The README's install lines, run as written on a fresh account (no ~/.local/share, no ~/.config/fish, no ~/.zfunc),
// then each shell started as the user would start it: completion for sstore is there.
const bin = tempDir('sstore-bin-');
writeFileSync(join(bin, 'sstore'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
chmodSync(join(bin, 'sstore'), 0o755);

test('the README completion install lines work on a fresh account, and bash, zsh and fish then complete sstore', () => {
  const block = readmeBlocks().find((b) => b.code.includes('sstore completion zsh'));
  assert.ok(block, 'the README install lines are a marked block');
  const env = isolatedEnv({ PATH: `${bin}:${process.env.PATH}` });
  delete env.XDG_CONFIG_HOME;
  delete env.XDG_DATA_HOME;
  const sh = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { env, cwd: env.HOME, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${command} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  sh('bash', ['-euo', 'pipefail', '-c', block.code]);
  assert.match(sh('bash', ['-ic', 'complete -p sstore']), /complete -F _sstore_complete sstore/);
  // The bash-completion file is where that package looks for it (its user folder).
  assert.match(sh('bash', ['-c', 'source ~/.local/share/bash-completion/completions/sstore; complete -p sstore']), /_sstore_complete/);
  assert.equal(sh('zsh', ['-ic', 'print -r -- $_comps[sstore]']).trim(), '_sstore');
  assert.match(sh('fish', ['-c', 'complete --do-complete "sstore ser"']), /^server\t/m);
});
