import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { withColorHint } from './env.ts';
import { childExitCode, type RunOutcome } from './exit-code.ts';
import { createMaskStream, maskPatterns } from './masker.ts';
import { loadPty, runInPty } from './pty.ts';
import { forwardSignals } from './signals.ts';

/** Signals a terminal sends to its whole foreground process group, which the child is part of. */
const TERMINAL_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT']);

export interface RunOptions {
  command: string;
  args: readonly string[];
  /** The child's whole environment (see buildChildEnv). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Values to hide in the child's output. Empty or absent: stdio is inherited untouched (TTY included). */
  mask?: readonly string[];
  /** Where masked output goes; default process.stdout and process.stderr (and then a pseudo-terminal on a terminal). */
  stdout?: Writable;
  stderr?: Writable;
  /**
   * The child shares our terminal, so Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT) already reach it from the kernel and
   * must not be sent a second time. Default: stdin, stdout or stderr is a TTY.
   */
  sharesTerminal?: boolean;
  /** Our stdout is a terminal that wants colour: a masked child writing into a pipe is asked for colour anyway. */
  colorHint?: boolean;
  /** Where a one-line notice goes (a fall-back to pipes); default stderr. */
  notice?: (line: string) => void;
}

export type { RunOutcome } from './exit-code.ts';

/**
 * Runs a command to completion and never rejects; a command that cannot start is an outcome with exit code 127 or
 * 126, as in a shell. Without `mask`, stdio is inherited. With `mask`, on a terminal (stdin, stdout and stderr all
 * TTYs) the child gets a pseudo-terminal whose output is masked (see pty.ts); elsewhere, or when the binding cannot
 * load, its stdout and stderr are pipes through the masker.
 */
export async function runCommand(options: RunOptions): Promise<RunOutcome> {
  const patterns = maskPatterns(options.mask ?? []);
  if (patterns.length === 0) return runPiped(options, patterns);
  const onTerminal = options.stdout === undefined && options.stderr === undefined && process.stdin.isTTY && process.stdout.isTTY && process.stderr.isTTY;
  if (!onTerminal) return runPiped(options, patterns);
  const notice = options.notice ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const pty = await loadPty();
  if ('spawn' in pty) {
    try {
      return await runInPty(pty.spawn, { ...options, patterns });
    } catch (error) {
      notice(`sstore: no pseudo-terminal (${(error as Error).message.split('\n')[0]}); --mask output goes through a pipe`);
    }
  } else {
    notice(`sstore: ${pty.reason}; --mask output goes through a pipe`);
  }
  return runPiped(options, patterns);
}

/**
 * stdin inherited, stdout and stderr inherited or (with patterns) piped through the masker, signals forwarded
 * while the child runs.
 */
function runPiped(options: RunOptions, patterns: readonly Buffer[]): Promise<RunOutcome> {
  const masking = patterns.length > 0;
  const sharesTerminal = options.sharesTerminal ?? (process.stdin.isTTY === true || process.stdout.isTTY === true || process.stderr.isTTY === true);
  const env = masking ? withColorHint(options.env, options.colorHint === true) : options.env;

  return new Promise((resolve) => {
    const child = spawn(options.command, [...options.args], {
      env,
      cwd: options.cwd,
      stdio: masking ? ['inherit', 'pipe', 'pipe'] : 'inherit',
    });

    const stopForwarding = forwardSignals((signal) => {
      if (sharesTerminal && TERMINAL_SIGNALS.has(signal)) return;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });

    let pending = 1; // the child's close, plus one per masked stream
    let outcome: RunOutcome | undefined;
    const cleanups: Array<() => void> = [];
    const settle = () => {
      if (--pending > 0 || outcome === undefined) return;
      stopForwarding();
      for (const cleanup of cleanups) cleanup();
      resolve(outcome);
    };

    if (masking) {
      for (const [source, target] of [
        [child.stdout!, options.stdout ?? process.stdout],
        [child.stderr!, options.stderr ?? process.stderr],
      ] as const) {
        pending++;
        const masked = createMaskStream(patterns);
        // Our reader went away (`sstore run --mask -- cmd | head`): stop reading, so the child gets EPIPE/SIGPIPE
        // on its next write, as it would without sstore in between.
        let drained = false;
        const done = () => {
          if (drained) return;
          drained = true;
          settle();
        };
        const onError = () => {
          masked.unpipe(target);
          source.destroy();
          masked.destroy();
          done();
        };
        target.on('error', onError);
        cleanups.push(() => target.off('error', onError));
        masked.on('end', done);
        source.pipe(masked).pipe(target, { end: false });
      }
    }

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (outcome !== undefined) return;
      const notFound = error.code === 'ENOENT';
      outcome = {
        exitCode: notFound ? 127 : 126,
        signal: null,
        spawnError: notFound ? `command not found: ${options.command}` : `cannot run ${options.command}: ${error.code ?? error.message}`,
      };
      // A child that never started has no streams to drain.
      pending = 1;
      settle();
    });
    child.on('close', (code, signal) => {
      if (outcome !== undefined) return;
      outcome = { exitCode: childExitCode(code, signal), signal };
      settle();
    });
  });
}
