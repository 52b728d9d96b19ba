import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';

export function registerSecretsGet(secrets: Command): void {
  const command = secrets
    .command('get')
    .description("Show a secret's metadata; --reveal prints its value where the profile can read values back")
    .argument('<name-or-id>')
    .option('--store <store>', 'store name or id')
    .option('--reveal', 'print the value (the embedded store and local servers; Cloudflare values are write-only)');
  examples(
    command,
    'sstore secrets get DB_PASSWORD',
    'sstore secrets get DB_PASSWORD --json | jq .modified',
    'sstore secrets get DB_PASSWORD --reveal > password.txt   # exact bytes when piped',
  );
  command.action(async (ref: string, options: { store?: string; reveal?: boolean }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { resolveSecret }, out] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../output.ts'),
    ]);
    await withSession(ctx, async (session) => {
      const { provider } = session;
      // Refuse before any request: with no ids this only checks that the provider can reveal at all.
      if (options.reveal) await provider.revealSecrets('', []);
      const store = await selectStore(ctx, session, options.store);
      const secret = await resolveSecret(provider, store, ref);
      if (options.reveal) {
        const [revealed] = await provider.revealSecrets(store.id, [secret.id]);
        const value = revealed?.value ?? '';
        if (ctx.globals.json) out.printJson(ctx.io, { ...secret.raw, value });
        else ctx.io.stdout.write(ctx.io.stdoutIsTTY ? `${value}\n` : value);
        return;
      }
      if (ctx.globals.json) out.printJson(ctx.io, secret.raw);
      else if (ctx.globals.quiet) ctx.io.out(secret.name);
      else {
        await out.printFields(ctx.io, [
          ['name', secret.name],
          ['id', secret.id],
          ['store', `${store.name} (${store.id})`],
          ['scopes', secret.scopes.join(', ')],
          ['comment', secret.comment],
          ['status', secret.status ?? ''],
          ['created', out.when(ctx.io, secret.created)],
          ['modified', out.when(ctx.io, secret.modified)],
        ]);
      }
    });
  });
}
