import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, tempDir } from './env.ts';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;
/** For `test(..., { skip })`: false when tmux is there. */
export const skipWithoutTmux = hasTmux ? false : 'tmux is not installed';

// One tmux server per test file, on its own socket, so tests never touch a user's tmux or each other's.
const socket = `sstore-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
if (hasTmux) after(() => void spawnSync('tmux', ['-L', socket, 'kill-server']));

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export interface TerminalOptions {
  /** Columns and rows of the pane; default 80 × 24. */
  width?: number;
  height?: number;
  /** The sstore launcher to run; default the checkout's bin/sstore.js. */
  bin?: string;
  /** Shell lines run after sstore (and after `echo "EXIT=$?"`), in the same terminal. */
  after?: string[];
}

export interface Pane {
  /** What the pane shows (its scrollback too, wrapped lines joined); with `escapes`, colours as escape sequences. */
  screen(options?: { escapes?: boolean }): string;
  /** Waits until the screen matches, and returns it; throws with the screen after a generous timeout. */
  waitFor(pattern: RegExp, options?: { escapes?: boolean }): Promise<string>;
  /** Types text literally. */
  type(text: string): void;
  /** Presses keys by tmux name: `Enter`, `C-c`, `C-d`, `C-t`. */
  press(...keys: string[]): void;
  resize(width: number, height: number): void;
  /** The pid of the sstore process running in the pane (the shell's child), once it has started. */
  sstorePid(): number;
  close(): void;
}

/**
 * Runs sstore in a real pseudo-terminal (a tmux pane) for a person to use: no CI variable, NO_COLOR unset unless
 * `env` sets it. After sstore ends, the pane prints `EXIT=<code>` and stays open for the test to read.
 */
export async function inTerminal(env: NodeJS.ProcessEnv, args: string[], options: TerminalOptions = {}): Promise<Pane> {
  const dir = tempDir();
  const script = join(dir, 'run.sh');
  const exports = Object.entries({ ...env, CI: undefined })
    .filter(([k, v]) => v !== undefined && /^[A-Z_][A-Z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}=${quote(String(v))}`);
  const command = [process.execPath, options.bin ?? BIN, ...args].map(quote).join(' ');
  writeFileSync(script, ['unset CI', ...exports, command, 'echo "EXIT=$?"', ...(options.after ?? []), 'sleep 600'].join('\n'));
  const name = `s${Math.random().toString(36).slice(2, 8)}`;
  tmux('new-session', '-d', '-s', name, '-x', String(options.width ?? 80), '-y', String(options.height ?? 24), `sh ${script}`);
  const screen = ({ escapes = false } = {}) => tmux('capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-t', name, '-S', '-200');
  return {
    screen,
    async waitFor(pattern, waitOptions = {}) {
      for (let i = 0; i < 600; i++) {
        const text = screen(waitOptions);
        if (pattern.test(text)) return text;
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${pattern}; screen:\n${screen(waitOptions)}`);
    },
    type: (text) => void tmux('send-keys', '-t', name, '-l', '--', text),
    press: (...keys) => void tmux('send-keys', '-t', name, ...keys),
    resize: (width, height) => void tmux('resize-window', '-t', name, '-x', String(width), '-y', String(height)),
    sstorePid() {
      const launcher = options.bin ?? BIN;
      // The pane's shell may run the script's shell as a child or exec it: look down the tree (Linux's /proc).
      const search = (pid: string): number | undefined => {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(launcher)) return Number(pid);
        for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
          const found = search(child);
          if (found !== undefined) return found;
        }
        return undefined;
      };
      const found = search(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim());
      if (found === undefined) throw new Error('sstore is not running in the pane');
      return found;
    },
    close: () => void tmux('kill-session', '-t', name),
  };
}
