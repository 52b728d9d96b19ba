import type { Command } from 'commander';
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

/** Appends an "Examples:" section to a command's help. */
export function examples(command: Command, ...lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`);
}
