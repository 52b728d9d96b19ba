import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';
import { commaList } from '../../options.ts';
import { addValueOptions, hasValueFlag, type ValueFlags } from '../../value-input.ts';
import { addWindowOptions, type WindowFlags } from '../../window-options.ts';

interface PatchOptions extends ValueFlags, WindowFlags {
  store?: string;
  comment?: string;
  scopes?: string[];
}

export function registerSecretsPatch(secrets: Command): void {
  const command = secrets
    .command('patch')
    .description("Change a secret's value, comment, scopes or (neostore) validity window: only what you give")
    .argument('<name-or-id>')
    .option('--store <store>', 'store name or id')
    .option('--comment <text>', 'new comment ("" clears it)')
    .option('--scopes <list>', 'new scopes, comma-separated (replaces the old ones)', commaList);
  addValueOptions(command);
  addWindowOptions(command);
  examples(
    command,
    'sstore secrets patch DB_PASSWORD                      # on a terminal: prompts for the new value',
    'sstore secrets patch DB_PASSWORD --comment "rotated 2026-11"',
    'openssl rand -hex 32 | sstore secrets patch SESSION_KEY',
    'sstore secrets patch API_KEY --scopes workers,ai_gateway --json',
    'sstore --profile neo secrets patch promo-code --expires-on +7d   # neostore: reads the value, puts it back with the new window',
  );
  command.action(async (ref: string, options: PatchOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { readValue }, { resolveSecret }, { requireSupport }, { windowOf, WINDOW_RESET_WARNING }, { printJson, say }, { SstoreError }] =
      await Promise.all([
        import('../../session.ts'),
        import('../../value-input.ts'),
        import('../../../providers/resolve.ts'),
        import('../../../providers/support.ts'),
        import('../../window-options.ts'),
        import('../../output.ts'),
        import('../../../errors.ts'),
      ]);
    const window = windowOf(options);
    await withSession(ctx, async (session) => {
      const { provider } = session;
      requireSupport(provider, { scopes: options.scopes !== undefined, comment: options.comment !== undefined, window: window !== undefined });
      const otherChange = options.comment !== undefined || options.scopes !== undefined || window !== undefined;
      const value = await readValue(ctx.io, options, { required: hasValueFlag(options), promptOnTty: !otherChange, what: ref });
      if (value === undefined && !otherChange) {
        const flags = [provider.capabilities.comments && '--comment', provider.capabilities.scopes && '--scopes', provider.capabilities.validityWindow && '--not-before/--expires-on'].filter(Boolean);
        throw new SstoreError('usage', `nothing to change: give a value (stdin, --from-env, --from-file)${flags.length > 0 ? ` or ${flags.join(', ')}` : ''}`, {
          reason: 'nothing_to_change',
        });
      }
      const store = await selectStore(ctx, session, options.store);
      const secret = await resolveSecret(provider, store, ref);
      if (value !== undefined && provider.capabilities.validityWindow && !window) ctx.io.err(WINDOW_RESET_WARNING);
      const patched = await provider.patchSecret(store.id, secret.id, {
        ...(value !== undefined && { value }),
        ...(options.comment !== undefined && { comment: options.comment }),
        ...(options.scopes !== undefined && { scopes: options.scopes }),
        ...(window && { window }),
      });
      if (ctx.globals.json) printJson(ctx.io, patched.raw);
      const what = [
        value !== undefined && 'value',
        options.comment !== undefined && 'comment',
        options.scopes !== undefined && 'scopes',
        window !== undefined && 'validity window',
      ]
        .filter(Boolean)
        .join(', ');
      say(ctx, `updated ${what} of secret ${patched.name} in store ${store.name}`);
    });
  });
}
