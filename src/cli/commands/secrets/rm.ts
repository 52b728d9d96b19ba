import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';

export function registerSecretsRm(secrets: Command): void {
  const command = secrets
    .command('rm')
    .alias('delete')
    .description('Delete one or more secrets in one bulk request (all names must exist, or nothing is deleted)')
    .argument('<name-or-id...>')
    .option('--store <store>', 'store name or id')
    .option('-y, --yes', 'do not ask (required without a terminal)');
  examples(command, 'sstore secrets rm OLD_TOKEN', 'sstore secrets rm A B C --yes', 'sstore secrets list --search TMP_ -q | xargs sstore secrets rm --yes');
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
      const names = targets.map((s) => s.name).join(', ');
      await confirmDestructive(ctx.io, options.yes === true, `Delete ${targets.length === 1 ? 'secret' : `${targets.length} secrets`} ${names} from store ${store.name}?`);
      await session.provider.deleteSecrets(store.id, targets.map((s) => s.id));
      if (ctx.globals.json) printJson(ctx.io, targets.map((s) => s.raw));
      say(ctx, `deleted ${targets.length === 1 ? 'secret' : `${targets.length} secrets`} ${names} from store ${store.name}`);
    });
  });
}
