import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';

export function registerStoresList(stores: Command): void {
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
        [{ head: 'NAME', style: 'name' }, { head: 'ID', style: 'dim', whole: true }, { head: 'CREATED', style: 'dim' }, { head: 'MODIFIED', style: 'dim' }],
        all.map((s) => [s.name, s.id, out.when(ctx.io, s.created), out.when(ctx.io, s.modified)]),
      );
    });
  });
}
