import { Option, type Command } from 'commander';
import { completeWith } from '../../../completion/kinds.ts';
import { contextFor, examples, helpNote } from '../../context.ts';
import { commaList } from '../../options.ts';

export interface SyncOptions {
  from: string;
  to: string;
  only?: string[];
  prune?: boolean;
  allowEmpty?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerSync(program: Command): void {
  const command = program
    .command('sync')
    .description('Copy a store\'s secrets into another profile\'s store: a plan by name, then batched writes (--prune deletes the rest)')
    .addOption(completeWith(new Option('--from <profile[:store]>', 'where the values are read: a profile that can return them (local, a local server, neostore)').makeOptionMandatory(), 'profile'))
    .addOption(completeWith(new Option('--to <profile[:store]>', 'where they are written: any profile (env: the one the environment names, as in CI)').makeOptionMandatory(), 'profile'))
    .option('--only <names>', 'comma-separated secret names: only these (each must exist in the source)', commaList)
    .option('--prune', 'also delete the secrets of the target store that the source does not have')
    .option('--allow-empty', 'let --prune with an empty source empty the target')
    .option('--dry-run', 'print the plan, with the reason for each line, and change nothing')
    .option('-y, --yes', 'do not ask (on a terminal: before writing; elsewhere --prune needs it)');
  helpNote(
    command,
    'Values that the target never returns (Cloudflare, SGP) are compared through a keyed digest of what the last sync ' +
      'wrote, kept in <data dir>/sync/ (never a value); delete that folder to forget it.',
  );
  examples(
    command,
    'sstore sync --from local --to prod --dry-run           # the plan: create, update, unchanged, and why',
    'sstore sync --from local:staging --to prod:main --yes',
    'sstore sync --from local --to env --prune --yes        # in CI: the target from CLOUDFLARE_ACCOUNT_ID and its token',
    'sstore sync --from dev --to prod --only DB_URL,API_KEY --json',
  );
  command.action(async (options: SyncOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const { runSync } = await import('./run.ts');
    await runSync(ctx, options);
  });
}
