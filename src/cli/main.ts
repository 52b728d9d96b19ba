import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.ts';
import { registerComplete } from './commands/complete.ts';
import { registerCompletion } from './commands/completion.ts';
import { registerServer } from './commands/server/index.ts';
import { EXIT } from './exit-codes.ts';
import { createIO } from './io.ts';
import { positiveSeconds } from './options.ts';
import { reportError } from './report.ts';

export function buildProgram(): Command {
  const program = new Command('sstore')
    .description('Manage secrets in Cloudflare Secrets Store, SGP and Neostore — or offline, in an encrypted embedded store')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--profile <name>', 'profile to use (default: SSTORE_PROFILE, else the active profile)')
    .option('--json', 'machine output: JSON only on stdout')
    .option('-q, --quiet', 'print only names (lists) or nothing (actions)')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--verbose', 'log each request (method, URL, status, time; credentials redacted) on stderr')
    .addOption(new Option('--timeout <seconds>', 'request timeout').argParser(positiveSeconds))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'error: ')) });
  program.enablePositionalOptions(false);
  registerServer(program);
  registerCompletion(program);
  registerComplete(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) applyExitOverride(sub);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  applyExitOverride(program);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; everything else commander reports is a usage error it has already printed.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(createIO(), error);
  }
}

process.exitCode = await main(process.argv);
