import type { Command } from 'commander';
import { SstoreError } from '../../../errors.ts';
import { contextFor, examples } from '../../context.ts';

export function registerStoresDelete(stores: Command): void {
  const remove = stores
    .command('delete')
    .alias('rm')
    .description('Delete a store (a store that still holds secrets needs --force)')
    .argument('<store>', 'store name or id')
    .option('--force', 'also delete the secrets it holds')
    .option('-y, --yes', 'do not ask (required without a terminal)');
  examples(remove, 'sstore stores delete staging', 'sstore stores delete old --force --yes');
  remove.action(async (ref: string, options: { force?: boolean; yes?: boolean }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession }, { resolveStore }, { requireSupport }, { printJson, say }, { confirmDestructive }] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../../providers/support.ts'),
      import('../../output.ts'),
      import('../../prompts.ts'),
    ]);
    await withSession(ctx, async ({ provider }) => {
      requireSupport(provider, { stores: 'stores delete' });
      const store = await resolveStore(provider, { ref, from: 'flag', createDefault: false });
      await confirmDestructive(ctx.io, options.yes === true, `Delete store ${store.name}${options.force ? ' and every secret in it' : ''}?`);
      try {
        await provider.deleteStore(store.id, { force: options.force === true });
      } catch (error) {
        if (error instanceof SstoreError && error.kind === 'conflict' && !options.force) {
          throw new SstoreError('conflict', `store ${store.name} still holds secrets; nothing was deleted`, { reason: 'store_not_empty', hint: 'pass --force to delete it with its secrets' });
        }
        throw error;
      }
      if (ctx.globals.json) printJson(ctx.io, store.raw);
      say(ctx, `deleted store ${store.name}`);
    });
  });
}
