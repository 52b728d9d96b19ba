import type { Command } from 'commander';
import { contextFor, examples, helpNote } from '../../context.ts';

export function registerSecretsRm(secrets: Command): void {
  const command = secrets
    .command('rm')
    .alias('delete')
    .description('Delete one or more secrets (all names must exist, or nothing is deleted): one bulk request on Cloudflare, one each on sgp and neostore')
    .argument('<name-or-id...>')
    .option('--store <store>', 'store name or id')
    .option('-y, --yes', 'do not ask (required without a terminal)');
  examples(command, 'sstore secrets rm OLD_TOKEN', 'sstore secrets rm A B C --yes', 'sstore secrets list --search TMP_ -q | xargs sstore secrets rm --yes');
  helpNote(command, "Deleting a secret deletes its history (its earlier versions) too: it cannot be rolled back afterwards. The audit trail keeps the record of the deletion.");
  command.action(async (refs: string[], options: { store?: string; yes?: boolean }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { resolveSecrets }, { printJson, say }, { confirmDestructive }] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../output.ts'),
      import('../../prompts.ts'),
    ]);
    await withSession(ctx, async (session) => {
      const store = await selectStore(ctx, session, options.store);
      const targets = await resolveSecrets(session.provider, store, refs);
      const what = described(targets.map((s) => s.name));
      await confirmDestructive(ctx.io, options.yes === true, `Delete ${what} from store ${store.name}?`);
      await session.provider.deleteSecrets(store.id, targets.map((s) => s.id));
      if (ctx.globals.json) printJson(ctx.io, targets.map((s) => s.raw));
      say(ctx, `deleted ${what} from store ${store.name}`);
    });
  });
}

/** How many names a question or a status line spells out; more are counted. */
const NAMED = 5;

/** `secret A`, `3 secrets A, B, C`, or `250 secrets (A, B, C, D, E and 245 more)`: one line, however many. */
function described(names: string[]): string {
  if (names.length === 1) return `secret ${names[0]}`;
  if (names.length <= NAMED) return `${names.length} secrets ${names.join(', ')}`;
  return `${names.length} secrets (${names.slice(0, NAMED).join(', ')} and ${names.length - NAMED} more)`;
}
