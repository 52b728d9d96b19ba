import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';
import { commaList } from '../../options.ts';
import { addValueOptions, type ValueFlags } from '../../value-input.ts';
import { addWindowOptions, type WindowFlags } from '../../window-options.ts';

interface PutOptions extends ValueFlags, WindowFlags {
  store?: string;
  comment?: string;
  scopes?: string[];
}

export function registerSecretsPut(secrets: Command): void {
  const command = secrets
    .command('put')
    .description('Create a secret, or update its value when the name exists (says which). The value never needs to be in argv')
    .argument('<name>', 'secret name: letters, digits, _ and -')
    .option('--store <store>', 'store name or id (default: the profile\'s, else the only one)')
    .option('--comment <text>', 'a note kept with the secret')
    .option('--scopes <list>', 'comma-separated: workers, ai_gateway, dex, access, containers, websearch (new secrets: workers)', commaList);
  addValueOptions(command);
  addWindowOptions(command);
  examples(
    command,
    'sstore secrets put DB_PASSWORD                       # hidden prompt, asked twice',
    "printf %s \"$TOKEN\" | sstore secrets put API_TOKEN    # from stdin (one trailing newline is dropped)",
    'sstore secrets put TLS_KEY --from-file key.pem --comment "prod cert"',
    'sstore secrets put GH_TOKEN --from-env GH_TOKEN --scopes workers,ai_gateway --json',
    'sstore --profile neo secrets put promo-code --not-before 2026-12-01 --expires-on +30d   # neostore',
  );
  command.action(async (name: string, options: PutOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { readValue }, { findSecretByName }, { requireSupport }, { windowOf, WINDOW_RESET_WARNING }, { printJson, say }] = await Promise.all([
      import('../../session.ts'),
      import('../../value-input.ts'),
      import('../../../providers/resolve.ts'),
      import('../../../providers/support.ts'),
      import('../../window-options.ts'),
      import('../../output.ts'),
    ]);
    await withSession(ctx, async (session) => {
      const { provider } = session;
      provider.checkName('secret', name);
      const window = windowOf(options);
      requireSupport(provider, { scopes: options.scopes !== undefined, comment: options.comment !== undefined, window: window !== undefined });
      const value = (await readValue(ctx.io, options, { required: true, promptOnTty: true, what: name }))!;
      const store = await selectStore(ctx, session, options.store);
      const existing = await findSecretByName(provider, store.id, name);
      if (existing && provider.capabilities.validityWindow && !window) ctx.io.err(WINDOW_RESET_WARNING);
      const secret = existing
        ? await provider.patchSecret(store.id, existing.id, {
            value,
            ...(options.scopes && { scopes: options.scopes }),
            ...(options.comment !== undefined && { comment: options.comment }),
            ...(window && { window }),
          })
        : (
            await provider.createSecrets(store.id, [
              {
                name,
                value,
                scopes: options.scopes ?? (provider.capabilities.scopes ? ['workers'] : []),
                ...(options.comment !== undefined && { comment: options.comment }),
                ...(window && { window }),
              },
            ])
          )[0]!;
      if (ctx.globals.json) printJson(ctx.io, secret.raw);
      say(ctx, `${existing ? 'updated' : 'created'} secret ${secret.name} in store ${store.name}`);
    });
  });
}
