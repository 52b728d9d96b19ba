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
      // Said before asking: a "yes" to a deletion that cannot happen would be a question for nothing.
      let held = 0;
      for await (const _secret of provider.listSecrets(store.id)) {
        held++;
        if (!options.force) break;
      }
      if (held > 0 && !options.force) throw notEmpty(store.name);
      const what = held === 0 ? '(it is empty)' : `and the ${held === 1 ? 'secret' : `${held} secrets`} in it`;
      await confirmDestructive(ctx.io, options.yes === true, `Delete store ${store.name} ${what}?`);
      try {
        await provider.deleteStore(store.id, { force: options.force === true });
      } catch (error) {
        // A secret written since the check above.
        if (error instanceof SstoreError && error.kind === 'conflict' && !options.force) throw notEmpty(store.name);
        throw error;
      }
      if (ctx.globals.json) printJson(ctx.io, store.raw);
      say(ctx, `deleted store ${store.name}`);
    });
  });
}

function notEmpty(store: string): SstoreError {
  return new SstoreError('conflict', `store ${store} still holds secrets; nothing was deleted`, { reason: 'store_not_empty', hint: 'pass --force to delete it with its secrets' });
}
