import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { childExitCode } from './exit-code.ts';
import { createMaskStream, maskPatterns } from './masker.ts';

/** Signals sstore passes on to the child while it runs. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Signals a terminal sends to its whole foreground process group, which the child is part of. */
const TERMINAL_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT']);

export interface RunOptions {
  command: string;
  args: readonly string[];
  /** The child's whole environment (see buildChildEnv). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Values to hide in the child's stdout and stderr. Empty or absent: stdio is inherited untouched (TTY included). */
  mask?: readonly string[];
  /** Where masked output goes; default process.stdout and process.stderr. */
  stdout?: Writable;
  stderr?: Writable;
  /**
   * The child shares our terminal, so Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT) already reach it from the kernel and
   * must not be sent a second time. Default: stdin, stdout or stderr is a TTY.
   */
  sharesTerminal?: boolean;
}

export interface RunOutcome {
  /** What sstore should exit with: the child's code, 128 + signal number, 127 not found, 126 not executable. */
  exitCode: number;
  /** The signal that ended the child, if one did. */
  signal: NodeJS.Signals | null;
  /** A one-line reason when the command could not be started at all. */
  spawnError?: string;
}

/**
 * Runs a command to completion: stdin inherited, stdout and stderr inherited or (with `mask`) piped through the
 * masker, signals forwarded while it runs. Never rejects; a command that cannot start is an outcome with exit code
 * 127 or 126, as in a shell.
 */
export function runCommand(options: RunOptions): Promise<RunOutcome> {
  const patterns = maskPatterns(options.mask ?? []);
  const masking = patterns.length > 0;
  const sharesTerminal = options.sharesTerminal ?? (process.stdin.isTTY === true || process.stdout.isTTY === true || process.stderr.isTTY === true);

  return new Promise((resolve) => {
    const child = spawn(options.command, [...options.args], {
      env: options.env,
      cwd: options.cwd,
      stdio: masking ? ['inherit', 'pipe', 'pipe'] : 'inherit',
    });

    const forward = (signal: NodeJS.Signals) => {
      if (sharesTerminal && TERMINAL_SIGNALS.has(signal)) return;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);

    let pending = 1; // the child's close, plus one per masked stream
    let outcome: RunOutcome | undefined;
    const cleanups: Array<() => void> = [];
    const settle = () => {
      if (--pending > 0 || outcome === undefined) return;
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
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
