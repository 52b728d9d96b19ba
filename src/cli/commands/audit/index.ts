import type { Command } from 'commander';
import { addAuditFilters, type AuditFlags } from '../../audit-view.ts';
import { contextFor, examples, helpNote } from '../../context.ts';

export function registerAudit(program: Command): void {
  const command = program
    .command('audit')
    .description('Show the audit trail (who changed what, when) of the embedded store or a local sstore server, oldest first');
  addAuditFilters(command);
  examples(
    command,
    'sstore audit --since 1h',
    'sstore audit --secret DB_PASSWORD --json | jq -r ".[] | [.time, .actor, .action] | @tsv"',
    'sstore audit --actor ci --action secret.update',
    'sstore --profile dev audit --follow --json     # a local server: a token with the audit permission',
  );
  helpNote(
    command,
    'On the embedded store (the local profile) it reads the trail in-process; through a local sstore server it needs a token with the audit permission (or admin), not bound to an account: the trail spans every account. Cloudflare itself, SGP and Neostore keep no trail: exit 2. Values are never in it.',
  );
  command.action(async (options: AuditFlags, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession }, { requireSupport, EXTENSION_COMMANDS }, view] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/support.ts'),
      import('../../audit-view.ts'),
    ]);
    await withSession(ctx, async ({ provider }) => {
      requireSupport(provider, { extension: EXTENSION_COMMANDS.listAudit });
      const source = (query: Parameters<typeof provider.listAudit>[0]) => provider.listAudit(query);
      const query = view.auditQuery(options);
      if (options.follow) return view.followAudit(ctx, source, query);
      await view.printAudit(ctx, await view.readAudit(source, query));
    });
  });
}
