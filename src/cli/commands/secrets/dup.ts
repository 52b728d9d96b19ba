import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';
import { commaList } from '../../options.ts';

export function registerSecretsDup(secrets: Command): void {
  const command = secrets
    .command('dup')
    .description('Copy a secret, value included, under a new name (the value never leaves the service)')
    .argument('<name-or-id>', 'the secret to copy')
    .argument('<new-name>')
    .option('--store <store>', 'store name or id')
    .option('--comment <text>', 'comment of the copy (default: the original\'s)')
    .option('--scopes <list>', 'scopes of the copy, comma-separated (default: the original\'s)', commaList);
  examples(command, 'sstore secrets dup DB_PASSWORD DB_PASSWORD_OLD', 'sstore secrets dup API_KEY API_KEY_AI --scopes ai_gateway --comment "for the gateway"');
  command.action(async (ref: string, newName: string, options: { store?: string; comment?: string; scopes?: string[] }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { resolveSecret }, { printJson, say }] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../output.ts'),
    ]);
    await withSession(ctx, async (session) => {
      session.provider.checkName('secret', newName);
      const store = await selectStore(ctx, session, options.store);
      const source = await resolveSecret(session.provider, store, ref);
      const copy = await session.provider.duplicateSecret(store.id, source.id, {
        name: newName,
        scopes: options.scopes ?? source.scopes,
        comment: options.comment ?? source.comment,
      });
      if (ctx.globals.json) printJson(ctx.io, copy.raw);
      say(ctx, `copied secret ${source.name} to ${copy.name} in store ${store.name}`);
    });
  });
}
