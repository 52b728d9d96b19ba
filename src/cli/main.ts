import { Command, CommanderError, Option } from 'commander';
import { completeWith } from '../completion/kinds.ts';
import { VERSION } from '../version.ts';
import { guardExcessArguments } from './excess-arguments.ts';
import { explainUnknownCommands, helpArgs, misplacedFlagHint, refuseJsonWhereNone } from './command-line.ts';
import { examples, helpNote } from './context.ts';
import { EXIT } from './exit-codes.ts';
import { createIO } from './io.ts';
import { positiveSeconds } from './options.ts';
import { reportError } from './report.ts';

/** Program options that take a value: the word after them is not a command. */
const VALUE_OPTIONS: ReadonlySet<string> = new Set(['--profile', '--timeout']);

/**
 * `sstore --version` (no command word, no help flag) is answered by commander before any command would run, so it
 * needs none of them: their modules are loaded only when a run can use them.
 */
export function versionOnly(args: readonly string[]): boolean {
  let version = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--' || !arg.startsWith('-') || arg === '-' || arg === '-h' || arg === '--help') return false;
    if (arg === '-V' || arg === '--version') version = true;
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return version;
}

export async function buildProgram(args: readonly string[] = []): Promise<Command> {
  const program = new Command('sstore')
    .description('Manage secrets in Cloudflare Secrets Store by name — or offline, in an encrypted embedded store (the default)')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(completeWith(new Option('--profile <name>', 'profile to use (default: SSTORE_PROFILE, else the active profile, else local)'), 'profile'))
    .option('--json', 'machine output: JSON only on stdout')
    .option('-q, --quiet', 'print only names (lists) or nothing (actions)')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--verbose', 'log each request (method, URL, status, time; never credentials or values) on stderr')
    .addOption(new Option('--timeout <seconds>', 'request timeout (default: 30)').argParser(positiveSeconds))
    .showSuggestionAfterError(true)
    // Commander leaves a description unwrapped when fewer than 40 columns remain beside the longest command or flag.
    .configureHelp({ minWidthToWrap: 20 });
  examples(
    program,
    'printf %s "$PASSWORD" | sstore secrets put DB_PASSWORD     # the embedded store: no account, no set-up',
    'sstore secrets list',
    'sstore profile add prod --account 0123456789abcdef0123456789abcdef && sstore login --profile prod',
    'sstore --profile prod secrets list --json',
  );
  helpNote(
    program,
    'Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 auth or permission, 5 conflict, 6 quota or limit, 7 network or server unreachable, 130 interrupted.',
  );
  if (!versionOnly(args)) {
    (await import('./commands/index.ts')).registerCommands(program);
    explainUnknownCommands(program);
    refuseJsonWhereNone(program);
    yieldVersionFlag(program, args);
  }
  return program;
}

/**
 * A command with a `--version <n>` of its own (`secrets get --version 2`) gets it: commander would otherwise give the
 * word to the program's `--version`, which it recognises anywhere on the line, and print sstore's version instead.
 */
function yieldVersionFlag(program: Command, args: readonly string[]): void {
  let command = program;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    command = sub;
  }
  if (command === program || !command.options.some((o) => o.long === '--version')) return;
  const index = program.options.findIndex((o) => o.long === '--version');
  if (index >= 0) (program.options as Option[]).splice(index, 1);
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) applyExitOverride(sub);
}

function interrupted(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv.slice(2));
  applyExitOverride(program);
  guardExcessArguments(program);
  const args = helpArgs(argv.slice(2), program, VALUE_OPTIONS);
  try {
    await program.parseAsync(args, { from: 'user' });
    // `run` sets the child's exit code.
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; everything else commander reports is a usage error it has already printed.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      const hint = misplacedFlagHint(error, args, program);
      if (hint) createIO().err(`hint: ${hint}`);
      return EXIT.usage;
    }
    if (interrupted(error)) return EXIT.interrupted;
    return reportError(createIO(), error, { profile: program.opts<{ profile?: string }>().profile });
  }
}

// `sstore secrets list | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// No top-level await: the single executable's entry is CommonJS (scripts/sea.mjs).
void main(process.argv).then((code) => {
  process.exitCode = code;
});
