import { spawnSync } from 'node:child_process';
import { checkCommand } from './command-path.ts';
import { signalName, type RunOutcome } from './exit-code.ts';
import { createMasker } from './masker.ts';
import { forwardSignals } from './signals.ts';

/** What sstore uses of @lydell/node-pty: a child on its own pseudo-terminal. */
interface PtyChild {
  readonly pid: number;
  onData(listener: (data: Buffer | string) => void): unknown;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): unknown;
  write(data: Buffer | string): void;
  resize(columns: number, rows: number): void;
  pause(): void;
  resume(): void;
}

export type SpawnPty = (
  file: string,
  args: string[],
  options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string>; encoding: null },
) => PtyChild;

/**
 * Loads the pseudo-terminal binding, a native addon, only when `run --mask` needs it on a terminal (never for
 * other commands). It may be missing: a platform without a prebuilt binary, `npm install --omit=optional`, or a
 * single-file build that cannot load addons. Then the reason, and the caller falls back to pipes.
 */
export async function loadPty(): Promise<{ spawn: SpawnPty } | { reason: string }> {
  // What follows is POSIX: stty, PATH lookup without PATHEXT, signals by pid.
  if (process.platform === 'win32') return { reason: 'no pseudo-terminal on Windows' };
  try {
    const binding = await import('@lydell/node-pty');
    return { spawn: binding.spawn };
  } catch {
    return { reason: '@lydell/node-pty did not load' };
  }
}

export interface PtyRun {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  patterns: readonly Buffer[];
}

/**
 * Runs a command on a new pseudo-terminal the size of ours, so it sees a terminal (colours, line buffering, prompts)
 * while everything it writes passes through the masker on its way to our stdout. Our stdin is put in raw mode and
 * forwarded byte for byte: Ctrl-C, Ctrl-\ and Ctrl-D reach the child's terminal, which turns them into signals or
 * end of input. Window size changes and signals sent to sstore are passed on. Our terminal is restored when the
 * child ends, and by Node itself if sstore dies first.
 *
 * Throws only if the pseudo-terminal cannot be created (then nothing has changed yet); a command that cannot start
 * is an outcome with exit code 127 or 126, as in a shell.
 */
export function runInPty(spawnPty: SpawnPty, options: PtyRun): Promise<RunOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const failure = checkCommand(options.command, options.env, cwd);
  if (failure !== undefined) return Promise.resolve({ ...failure, signal: null });

  const { stdin, stdout } = process;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env)) if (value !== undefined) env[name] = value;
  const child = spawnPty(options.command, [...options.args], {
    name: env.TERM ?? 'xterm',
    cols: stdout.columns,
    rows: stdout.rows,
    cwd,
    env,
    encoding: null,
  });

  return new Promise((resolve) => {
    const masker = createMasker(options.patterns);
    const show = (bytes: Buffer) => {
      if (bytes.length === 0 || stdout.write(bytes)) return;
      child.pause();
      stdout.once('drain', () => child.resume());
    };
    child.onData((data) => show(masker.push(typeof data === 'string' ? Buffer.from(data) : data)));

    const stopForwarding = forwardSignals((signal) => {
      try {
        process.kill(child.pid, signal);
      } catch {
        // already gone: its exit is on the way
      }
    });
    const onResize = () => {
      try {
        child.resize(stdout.columns, stdout.rows);
      } catch {
        // the child has just ended
      }
    };
    stdout.on('resize', onResize);
    const onInput = (chunk: Buffer) => child.write(chunk);
    const restoreTerminal = () => stdin.setRawMode(false);
    process.once('exit', restoreTerminal);
    stdin.setRawMode(true);
    // Node's raw mode leaves output processing on (\n written as \r\n). The child's terminal already does that, so
    // ours must not do it again: a full-screen program that moves the cursor down with a bare \n would be drawn
    // askew. setRawMode(false) puts back the settings saved before, this one included.
    spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
    stdin.on('data', onInput);
    stdin.resume();

    child.onExit(({ exitCode, signal = 0 }) => {
      show(masker.end());
      stopForwarding();
      stdout.off('resize', onResize);
      stdin.off('data', onInput);
      stdin.pause();
      restoreTerminal();
      process.off('exit', restoreTerminal);
      resolve({ exitCode: signal > 0 ? 128 + signal : exitCode, signal: signalName(signal) });
    });
  });
}
