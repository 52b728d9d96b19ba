import { Option, type Command } from 'commander';
import { SstoreError } from '../../../errors.ts';
import { contextFor, examples } from '../../context.ts';
import { commaList } from '../../options.ts';
import type { Direction, Secret, SecretOrder, Store } from '../../../providers/provider.ts';

interface ListOptions {
  store?: string;
  search?: string;
  order: SecretOrder;
  direction: Direction;
  scopes?: string[];
  all?: boolean;
}

export function registerSecretsList(secrets: Command): void {
  const command = secrets
    .command('list')
    .alias('ls')
    .description('List secrets (metadata only, every page)')
    .option('--store <store>', 'store name or id')
    .option('--search <text>', 'only secrets whose name or comment contains this')
    .addOption(new Option('--order <field>', 'sort by').choices(['name', 'comment', 'created', 'modified', 'status']).default('name'))
    .addOption(new Option('--direction <dir>', 'sort direction').choices(['asc', 'desc']).default('asc'))
    .option('--scopes <list>', 'only secrets having all these scopes (comma-separated)', commaList)
    .option('--all', 'secrets of every store of the account');
  examples(
    command,
    'sstore secrets list',
    'sstore secrets list --search DB --order modified --direction desc',
    'sstore secrets list --scopes ai_gateway --json | jq -r ".[].name"',
    'sstore secrets list --all -q',
  );
  command.action(async (options: ListOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, out] = await Promise.all([import('../../session.ts'), import('../../output.ts')]);
    await withSession(ctx, async (session) => {
      const { provider } = session;
      if (options.all && options.store) throw new SstoreError('usage', '--all and --store exclude each other');
      const stores: Store[] = options.all ? await provider.listStores() : [await selectStore(ctx, session, options.store)];
      const rows: { store: Store; secret: Secret }[] = [];
      for (const store of stores) {
        const query = {
          order: options.order,
          direction: options.direction,
          ...(options.search !== undefined && { search: options.search }),
          ...(options.scopes && { scopes: options.scopes }),
        };
        for await (const secret of provider.listSecrets(store.id, query)) rows.push({ store, secret });
      }
      if (ctx.globals.json) return out.printJson(ctx.io, rows.map((r) => r.secret.raw));
      if (ctx.globals.quiet) {
        if (rows.length > 0) ctx.io.out(rows.map((r) => r.secret.name).join('\n'));
        return;
      }
      if (rows.length === 0) {
        const where = options.all ? 'any store' : `store ${stores[0]?.name}`;
        ctx.io.err(options.search || options.scopes ? `no secrets match in ${where}` : `no secrets in ${where}`);
        return;
      }
      if (!provider.capabilities.comments) {
        // Neostore lists keys and nothing else.
        ctx.io.out(rows.map((r) => r.secret.name).join('\n'));
        return;
      }
      const scopes = provider.capabilities.scopes;
      await out.printTable(
        ctx.io,
        [
          { head: 'NAME', style: 'name' },
          ...(options.all ? [{ head: 'STORE' }] : []),
          ...(scopes ? [{ head: 'SCOPES' }] : []),
          { head: 'COMMENT' },
          { head: 'MODIFIED', style: 'dim' },
          { head: 'ID', style: 'dim', whole: true },
        ],
        rows.map(({ store, secret }) => [
          secret.name,
          ...(options.all ? [store.name] : []),
          ...(scopes ? [secret.scopes.join(',')] : []),
          secret.comment,
          out.when(ctx.io, secret.modified),
          secret.id,
        ]),
      );
    });
  });
}
