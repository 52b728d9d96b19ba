import type { Command } from 'commander';
import { exampleLines, terminalWidth, wrapWords } from './fit.ts';
import { createIO, type IO } from './io.ts';

/** The global flags, as every command sees them. */
export interface GlobalOptions {
  profile: string | undefined;
  json: boolean;
  quiet: boolean;
  color: boolean;
  verbose: boolean;
  /** Request timeout in milliseconds. */
  timeoutMs: number;
}

/** What a command's action needs. Built once per invocation from the parsed command line. */
export interface Context {
  io: IO;
  globals: GlobalOptions;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

interface RawGlobals {
  profile?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  verbose?: boolean;
  timeout?: number;
}

export function contextFor(command: Command): Context {
  const raw = command.optsWithGlobals<RawGlobals>();
  const globals: GlobalOptions = {
    profile: raw.profile,
    json: raw.json === true,
    quiet: raw.quiet === true,
    color: raw.color !== false,
    verbose: raw.verbose === true,
    timeoutMs: raw.timeout === undefined ? DEFAULT_TIMEOUT_MS : raw.timeout * 1000,
  };
  return { io: createIO({ noColor: !globals.color }), globals };
}

/** The width help is written for: the terminal's (stdout, or stderr for help shown after an error), else 80. */
function helpWidth(error: boolean): number {
  return terminalWidth(error ? process.stderr : process.stdout) ?? 80;
}

/** An "Examples:" section for `addHelpText('after', …)`, each example fitted to the width and still pasteable. */
export function exampleSection(...lines: string[]): (context: { error: boolean }) => string {
  return ({ error }) => `\nExamples:\n${lines.flatMap((l) => exampleLines(l, helpWidth(error))).join('\n')}`;
}

/** Appends an "Examples:" section to a command's help. */
export function examples(command: Command, ...lines: string[]): Command {
  return command.addHelpText('after', exampleSection(...lines));
}

/** Appends a paragraph to a command's help, wrapped to the width as commander wraps the rest. */
export function helpNote(command: Command, text: string): Command {
  return command.addHelpText('after', ({ error }) => `\n${wrapWords(text, helpWidth(error)).join('\n')}`);
}
