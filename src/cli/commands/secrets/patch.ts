import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';
import { commaList } from '../../options.ts';
import { addValueOptions, hasValueFlag, type ValueFlags } from '../../value-input.ts';

interface PatchOptions extends ValueFlags {
  store?: string;
  comment?: string;
  scopes?: string[];
}

export function registerSecretsPatch(secrets: Command): void {
  const command = secrets
    .command('patch')
    .description("Change a secret's value, comment or scopes (only what you give)")
    .argument('<name-or-id>')
    .option('--store <store>', 'store name or id')
    .option('--comment <text>', 'new comment ("" clears it)')
    .option('--scopes <list>', 'new scopes, comma-separated (replaces the old ones)', commaList);
  addValueOptions(command);
  examples(
    command,
    'sstore secrets patch DB_PASSWORD                      # on a terminal: prompts for the new value',
    'sstore secrets patch DB_PASSWORD --comment "rotated 2026-11"',
    'openssl rand -hex 32 | sstore secrets patch SESSION_KEY',
    'sstore secrets patch API_KEY --scopes workers,ai_gateway --json',
  );
  command.action(async (ref: string, options: PatchOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession, selectStore }, { readValue }, { resolveSecret }, { printJson, say }, { SstoreError }] = await Promise.all([
      import('../../session.ts'),
      import('../../value-input.ts'),
      import('../../../providers/resolve.ts'),
      import('../../output.ts'),
      import('../../../errors.ts'),
    ]);
    const otherChange = options.comment !== undefined || options.scopes !== undefined;
    const value = await readValue(ctx.io, options, { required: hasValueFlag(options), promptOnTty: !otherChange, what: ref });
    if (value === undefined && !otherChange) {
      throw new SstoreError('usage', 'nothing to change: give a value (stdin, --from-env, --from-file), --comment or --scopes', { reason: 'nothing_to_change' });
    }
    await withSession(ctx, async (session) => {
      const store = await selectStore(ctx, session, options.store);
      const secret = await resolveSecret(session.provider, store, ref);
      const patched = await session.provider.patchSecret(store.id, secret.id, {
        ...(value !== undefined && { value }),
        ...(options.comment !== undefined && { comment: options.comment }),
        ...(options.scopes !== undefined && { scopes: options.scopes }),
      });
      if (ctx.globals.json) printJson(ctx.io, patched.raw);
      const what = [value !== undefined && 'value', options.comment !== undefined && 'comment', options.scopes !== undefined && 'scopes'].filter(Boolean).join(', ');
      say(ctx, `updated ${what} of secret ${patched.name} in store ${store.name}`);
    });
  });
}
