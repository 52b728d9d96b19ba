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
    .option('--scopes <list>', 'scopes of the copy, comma-separated (default: the original\'s)', commaList)
    .option('--force', 'neostore: overwrite the destination if it exists (otherwise refused, exit 5)');
  examples(
    command,
    'sstore secrets dup DB_PASSWORD DB_PASSWORD_OLD',
    'sstore secrets dup API_KEY API_KEY_AI --scopes ai_gateway --comment "for the gateway"',
    'sstore --profile neo secrets dup api-key api-key-next --force   # neostore: GET then PUT; the window is not copied',
  );
  command.action(async (ref: string, newName: string, options: { store?: string; comment?: string; scopes?: string[]; force?: boolean }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { resolveSecret }, { requireSupport }, { printJson, say }] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../../providers/support.ts'),
      import('../../output.ts'),
    ]);
    await withSession(ctx, async (session) => {
      const { provider } = session;
      requireSupport(provider, { duplicate: true, scopes: options.scopes !== undefined, comment: options.comment !== undefined });
      provider.checkName('secret', newName);
      const store = await selectStore(ctx, session, options.store);
      const source = await resolveSecret(provider, store, ref);
      const copy = await provider.duplicateSecret(store.id, source.id, {
        name: newName,
        scopes: options.scopes ?? source.scopes,
        comment: options.comment ?? source.comment,
        ...(options.force && { overwrite: true }),
      });
      if (provider.capabilities.validityWindow) {
        ctx.io.err(`sstore: warning: the validity window of ${source.name} cannot be read, so it was not copied: ${copy.name} is valid at all times`);
      }
      if (ctx.globals.json) printJson(ctx.io, copy.raw);
      say(ctx, `copied secret ${source.name} to ${copy.name} in store ${store.name}`);
    });
  });
}
