import { Argument, Option, type Command } from 'commander';
import { completeWith } from '../../../completion/kinds.ts';
import { IMPORT_FORMATS, type ImportFormat } from '../../../formats/import.ts';
import { contextFor, examples } from '../../context.ts';
import { commaList } from '../../options.ts';

interface ImportOptions {
  store?: string;
  format?: ImportFormat;
  dryRun?: boolean;
  prune?: boolean;
  allowEmpty?: boolean;
  yes?: boolean;
  scopes?: string[];
}

export function registerImport(program: Command): void {
  const command = program
    .command('import')
    .description('Create and update secrets from a dotenv or JSON file: a plan first, then batched writes (--prune deletes the rest)')
    .addArgument(completeWith(new Argument('<file>', 'a .env or .json file, or - for standard input'), 'file'))
    .addOption(completeWith(new Option('--store <store>', "store name or id (default: the profile's, else the only one)"), 'store'))
    .addOption(new Option('-f, --format <format>', 'the file format (default: json for *.json, else dotenv)').choices(IMPORT_FORMATS))
    .option('--dry-run', 'print the plan and change nothing')
    .option('--prune', 'also delete the secrets of the store that the file does not name')
    .option('--allow-empty', 'let --prune with a file that names no secrets empty the store')
    .option('-y, --yes', 'do not ask before --prune deletes (required without a terminal)')
    .option('--scopes <list>', 'scopes of new secrets, comma-separated (default: workers)', commaList);
  examples(
    command,
    'sstore import .env --dry-run                  # the plan: what would be created and updated',
    'sstore import .env --store ci',
    'sstore import secrets.json --prune --yes      # the store ends up holding exactly the file',
    'vault-export | sstore import - --format json',
  );
  command.action(async (file: string, options: ImportOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const { runImport } = await import('./run.ts');
    await runImport(ctx, file, options);
  });
}

export type { ImportOptions };
