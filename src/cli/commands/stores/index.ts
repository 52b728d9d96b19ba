import type { Command } from 'commander';
import { SstoreError } from '../../../errors.ts';
import { contextFor, examples } from '../../context.ts';

export function registerStores(program: Command): void {
  const stores = program.command('stores').alias('store').description('Create, list and delete secrets stores');

  const create = stores.command('create').description('Create a store').argument('<name>', 'letters, digits, _ and -');
  examples(create, 'sstore stores create main', 'sstore stores create staging --json | jq -r .id');
  create.action(async (name: string, _options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession }, { printJson, say }] = await Promise.all([import('../../session.ts'), import('../../output.ts')]);
    await withSession(ctx, async ({ provider }) => {
      // sgp and neostore refuse (exit 2): their one store is the account or tenant.
      if (!provider.capabilities.nativeStores) await provider.createStore(name);
      provider.checkName('store', name);
      const store = await provider.createStore(name);
      if (ctx.globals.json) printJson(ctx.io, store.raw);
      say(ctx, `created store ${store.name} (${store.id})`);
    });
  });

  const list = stores.command('list').alias('ls').description('List the stores of the account');
  examples(list, 'sstore stores list', 'sstore stores list --json', 'sstore stores list -q');
  list.action(async (_options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession }, out] = await Promise.all([import('../../session.ts'), import('../../output.ts')]);
    await withSession(ctx, async ({ provider }) => {
      const all = await provider.listStores();
      if (ctx.globals.json) return out.printJson(ctx.io, all.map((s) => s.raw));
      if (ctx.globals.quiet) {
        if (all.length > 0) ctx.io.out(all.map((s) => s.name).join('\n'));
        return;
      }
      if (all.length === 0) return ctx.io.err('no stores yet: create one with `sstore stores create NAME`');
      await out.printTable(
        ctx.io,
        [{ head: 'NAME', style: 'name' }, { head: 'ID', style: 'dim' }, { head: 'CREATED', style: 'dim' }, { head: 'MODIFIED', style: 'dim' }],
        all.map((s) => [s.name, s.id, out.when(ctx.io, s.created), out.when(ctx.io, s.modified)]),
      );
    });
  });

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
    const [{ withSession }, { resolveStore }, { printJson, say }, { confirmDestructive }] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../output.ts'),
      import('../../prompts.ts'),
    ]);
    await withSession(ctx, async ({ provider }) => {
      // sgp and neostore refuse (exit 2) before asking anything: their one store is the account or tenant.
      if (!provider.capabilities.nativeStores) await provider.deleteStore(ref, { force: false });
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
