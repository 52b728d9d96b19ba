import type { Command } from 'commander';
import { contextFor, examples, helpNote } from '../../context.ts';

export function registerSecretsHistory(secrets: Command): void {
  const command = secrets
    .command('history')
    .description("List a secret's value versions, newest first: version, time, actor (never a value)")
    .argument('<name-or-id>')
    .option('--store <store>', 'store name or id');
  examples(
    command,
    'sstore secrets history DB_PASSWORD',
    'sstore secrets history DB_PASSWORD --json | jq ".[1].version"',
    'sstore secrets get DB_PASSWORD --reveal --version 2     # an earlier value',
    'sstore secrets rollback DB_PASSWORD --to 2',
  );
  helpNote(
    command,
    'Version 1 is the first value; each new value (put, patch, rollback) is the next number. The server keeps the current value and the last 10 earlier ones (sstore server start --keep-versions N). Deleting a secret deletes its history. The embedded store and local sstore servers only: elsewhere exit 2.',
  );
  command.action(async (ref: string, options: { store?: string }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { resolveSecret }, { requireSupport, EXTENSION_COMMANDS }, out] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../../providers/support.ts'),
      import('../../output.ts'),
    ]);
    await withSession(ctx, async (session) => {
      const { provider } = session;
      requireSupport(provider, { extension: EXTENSION_COMMANDS.listVersions });
      const store = await selectStore(ctx, session, options.store);
      const secret = await resolveSecret(provider, store, ref);
      const versions = await provider.listVersions(store.id, secret.id);
      if (ctx.globals.json) return out.printJson(ctx.io, versions);
      if (ctx.globals.quiet) {
        if (versions.length > 0) ctx.io.out(versions.map((v) => String(v.version)).join('\n'));
        return;
      }
      await out.printTable(
        ctx.io,
        [{ head: 'VERSION' }, { head: 'CREATED', style: 'dim' }, { head: 'ACTOR' }, { head: '' }],
        versions.map((v) => [String(v.version), out.when(ctx.io, v.created), v.actor ?? '', v.current ? 'current' : '']),
      );
    });
  });
}
