import { Option, type Command } from 'commander';
import { BINDING_CASES, BINDING_FORMATS, type BindingCase, type BindingFormat } from '../../../bindings/render.ts';
import { completeWith } from '../../../completion/kinds.ts';
import { contextFor, examples } from '../../context.ts';
import { commaList } from '../../options.ts';

export interface BindingsOptions {
  store?: string;
  only?: string[];
  format?: BindingFormat;
  bindingCase: BindingCase;
  write?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerBindings(program: Command): void {
  const command = program
    .command('bindings')
    .description("Print the secrets_store_secrets block of a Worker's wrangler config for a store, or merge it into one (--write)")
    .addOption(completeWith(new Option('--store <store>', "store name or id (default: the profile's, else the only one)"), 'store'))
    .addOption(completeWith(new Option('--only <names>', 'comma-separated secret names: only these (each must exist)').argParser(commaList), 'secret'))
    .addOption(new Option('-f, --format <format>', 'jsonc (wrangler.jsonc) or toml (wrangler.toml); default: from --write FILE, else jsonc').choices(BINDING_FORMATS))
    .addOption(new Option('--binding-case <case>', 'binding names: upper (DB_PASSWORD), camel (dbPassword) or as-is (the secret name)').choices(BINDING_CASES).default('upper'))
    .addOption(completeWith(new Option('--write <file>', 'merge into this wrangler config, keeping its comments and other keys (shows the diff first)'), 'file'))
    .option('--dry-run', 'with --write: show the diff and write nothing')
    .option('-y, --yes', 'with --write: write without asking (required without a terminal)');
  examples(
    command,
    'sstore --profile prod bindings                          # paste into wrangler.jsonc',
    'sstore --profile prod bindings --format toml --only DB_URL,API_KEY',
    'sstore --profile prod bindings --write wrangler.jsonc   # the diff, a question, then the merge',
    'sstore --profile prod bindings --write wrangler.toml --yes   # in CI',
  );
  command.action(async (options: BindingsOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const { runBindings } = await import('./run.ts');
    await runBindings(ctx, options);
  });
}
