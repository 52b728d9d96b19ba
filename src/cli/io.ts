/** Where output goes and what the terminal allows: colour, prompts, TTY widths. Decided once per process. */
export interface IO {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly env: NodeJS.ProcessEnv;
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /** Colour on stdout (and stderr, which follows stdout's decision when it is a TTY too). */
  readonly color: boolean;
  /** A person is there to answer: stdin and stderr are terminals and this is not CI. */
  readonly canPrompt: boolean;
  out(text: string): void;
  err(text: string): void;
}

export interface IoOptions {
  noColor?: boolean;
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export function createIO(options: IoOptions = {}, env: NodeJS.ProcessEnv = process.env): IO {
  const stdoutIsTTY = process.stdout.isTTY === true;
  const stdinIsTTY = process.stdin.isTTY === true;
  const stderrIsTTY = process.stderr.isTTY === true;
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const disabled = options.noColor === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  const color = !disabled && (forced || (stdoutIsTTY && env.TERM !== 'dumb' && !isCI(env)));
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env,
    stdoutIsTTY,
    stdinIsTTY,
    color,
    canPrompt: stdinIsTTY && stderrIsTTY && !isCI(env),
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}
