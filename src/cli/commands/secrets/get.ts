import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';
import { wholeNumber } from '../../options.ts';

export function registerSecretsGet(secrets: Command): void {
  const command = secrets
    .command('get')
    .description("Show a secret's metadata; --reveal prints its value where the profile can read values back")
    .argument('<name-or-id>')
    .option('--store <store>', 'store name or id')
    .option('--reveal', 'print the value (neostore, the embedded store and local servers; Cloudflare and SGP values are write-only)')
    .option('--version <n>', 'with --reveal: the value of this version (see `sstore secrets history`; the embedded store and local servers)', wholeNumber(1, Number.MAX_SAFE_INTEGER));
  examples(
    command,
    'sstore secrets get DB_PASSWORD',
    'sstore secrets get DB_PASSWORD --json | jq .modified',
    'sstore secrets get DB_PASSWORD --reveal > password.txt   # exact bytes when piped',
    'sstore secrets get DB_PASSWORD --reveal --version 2      # an earlier value (sstore secrets history)',
  );
  command.action(async (ref: string, options: { store?: string; reveal?: boolean; version?: number }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { resolveSecret }, { requireSupport, EXTENSION_COMMANDS }, out, { SstoreError }] = await Promise.all([
      import('../../session.ts'),
      import('../../../providers/resolve.ts'),
      import('../../../providers/support.ts'),
      import('../../output.ts'),
      import('../../../errors.ts'),
    ]);
    const { version } = options;
    if (version !== undefined && !options.reveal) {
      throw new SstoreError('usage', '--version reads an earlier value: give --reveal too', {
        reason: 'version_needs_reveal',
        hint: `\`sstore secrets history ${ref}\` lists the versions without values`,
      });
    }
    await withSession(ctx, async (session) => {
      const { provider } = session;
      if (options.reveal) requireSupport(provider, { reveal: 'secrets get --reveal' });
      if (version !== undefined) requireSupport(provider, { extension: EXTENSION_COMMANDS.revealVersion });
      const store = await selectStore(ctx, session, options.store);
      const secret = await resolveSecret(provider, store, ref);
      if (options.reveal) {
        const revealed = version === undefined ? (await provider.revealSecrets(store.id, [secret.id]))[0] : await provider.revealVersion(store.id, secret.id, version);
        const value = revealed?.value ?? '';
        if (ctx.globals.json) out.printJson(ctx.io, { ...secret.raw, ...(version !== undefined && { version }), value });
        else ctx.io.stdout.write(ctx.io.stdoutIsTTY ? `${value}\n` : value);
        return;
      }
      if (ctx.globals.json) out.printJson(ctx.io, secret.raw);
      else if (ctx.globals.quiet) ctx.io.out(secret.name);
      else {
        // Only what the provider has: Neostore knows a key and nothing else, SGP has no scopes or status.
        const { capabilities } = provider;
        const fields: [string, string | undefined | false][] = [
          ['name', secret.name],
          ['id', secret.id !== secret.name && secret.id],
          ['store', store.id === store.name ? store.name : `${store.name} (${store.id})`],
          ['scopes', capabilities.scopes && secret.scopes.join(', ')],
          ['comment', capabilities.comments && secret.comment],
          ['status', secret.status],
          ['created', secret.created !== undefined && out.when(ctx.io, secret.created)],
          ['modified', secret.modified !== undefined && out.when(ctx.io, secret.modified)],
        ];
        await out.printFields(ctx.io, fields.filter((f): f is [string, string] => typeof f[1] === 'string'));
      }
    });
  });
}
