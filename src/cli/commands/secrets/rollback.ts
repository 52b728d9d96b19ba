import type { Command } from 'commander';
import { contextFor, examples, helpNote } from '../../context.ts';
import { wholeNumber } from '../../options.ts';

export function registerSecretsRollback(secrets: Command): void {
  const command = secrets
    .command('rollback')
    .description("Make an earlier version's value current again, as a new version (the value it replaces stays in the history)")
    .argument('<name-or-id>')
    .requiredOption('--to <version>', 'the version whose value becomes current (see `sstore secrets history`)', wholeNumber(1, Number.MAX_SAFE_INTEGER))
    .option('--store <store>', 'store name or id');
  examples(command, 'sstore secrets history DB_PASSWORD', 'sstore secrets rollback DB_PASSWORD --to 2', 'sstore secrets rollback DB_PASSWORD --to 2 --json | jq .modified');
  helpNote(
    command,
    'It asks nothing, like put and patch: nothing is lost, since the value it replaces becomes a version too (undo it with another rollback). The embedded store and local sstore servers only: elsewhere exit 2.',
  );
  command.action(async (ref: string, options: { to: number; store?: string }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { resolveSecret }, { requireSupport, EXTENSION_COMMANDS }, { printJson, say }] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../../providers/support.ts'),
      import('../../output.ts'),
    ]);
    await withSession(ctx, async (session) => {
      const { provider } = session;
      requireSupport(provider, { extension: EXTENSION_COMMANDS.rollbackSecret });
      const store = await selectStore(ctx, session, options.store);
      const secret = await resolveSecret(provider, store, ref);
      const rolled = await provider.rollbackSecret(store.id, secret.id, options.to);
      if (ctx.globals.json) printJson(ctx.io, rolled.raw);
      say(ctx, `secret ${rolled.name} in store ${store.name} has version ${options.to}'s value again, as a new version`);
    });
  });
}
