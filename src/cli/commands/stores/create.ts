import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';

export function registerStoresCreate(stores: Command): void {
  const create = stores.command('create').description('Create a store').argument('<name>', 'letters, digits, _ and -');
  examples(create, 'sstore stores create main', 'sstore stores create staging --json | jq -r .id');
  create.action(async (name: string, _options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession }, { requireSupport }, { printJson, say }] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/support.ts'),
      import('../../output.ts'),
    ]);
    await withSession(ctx, async ({ provider }) => {
      requireSupport(provider, { stores: 'stores create' });
      provider.checkName('store', name);
      const store = await provider.createStore(name);
      if (ctx.globals.json) printJson(ctx.io, store.raw);
      say(ctx, `created store ${store.name} (${store.id})`);
    });
  });
}
