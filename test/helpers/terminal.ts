import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, tempDir } from './env.ts';

/** Real pseudo-terminals: tmux panes on this process's own `-L` socket, killed when the test file ends. */

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `sstore-term-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
if (hasTmux) after(() => void spawnSync('tmux', ['-L', socket, 'kill-server']));

export interface Terminal {
  /** Resolves with the screen (and its scroll-back) once it matches; a line the terminal wrapped is one line here. */
  waitFor(pattern: RegExp): Promise<string>;
  type(text: string): void;
  enter(): void;
  close(): void;
}

/**
 * Runs `sstore ARGS` in a tmux pane of the given size, with no CI variable, so that it sees a terminal on stdin,
 * stdout and stderr as a person's shell gives it. `EXIT=<code>` is printed when it ends.
 */
export function inTerminal(env: NodeJS.ProcessEnv, args: string[], size: { columns: number; rows: number } = { columns: 160, rows: 40 }): Terminal {
  const dir = tempDir();
  const script = join(dir, 'run.sh');
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const exports = Object.entries({ ...env, CI: undefined, NO_COLOR: '1' })
    .filter(([k, v]) => v !== undefined && /^[A-Z_][A-Z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}=${quote(String(v))}`);
  writeFileSync(script, ['unset CI', ...exports, `${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}`, 'echo "EXIT=$?"', 'sleep 60'].join('\n'));
  const name = `s${Math.random().toString(36).slice(2, 8)}`;
  tmux('new-session', '-d', '-s', name, '-x', String(size.columns), '-y', String(size.rows), `sh ${script}`);
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', name, '-S', '-1000');
  return {
    async waitFor(pattern) {
      for (let i = 0; i < 300; i++) {
        const text = screen();
        if (pattern.test(text)) return text;
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${pattern}; screen:\n${screen()}`);
    },
    type: (text) => void tmux('send-keys', '-t', name, '-l', text),
    enter: () => void tmux('send-keys', '-t', name, 'Enter'),
    close: () => void tmux('kill-session', '-t', name),
  };
}
