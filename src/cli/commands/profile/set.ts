import { Argument, type Command } from 'commander';
import { completeWith } from '../../../completion/kinds.ts';
import { contextFor, examples } from '../../context.ts';

interface SetOptions {
  url?: string;
  account?: string;
  /** A name or id; false with --no-store. */
  store?: string | false;
}

export function registerProfileSet(profile: Command): void {
  const set = profile
    .command('set')
    .description('Change fields of a profile, keeping the rest (on the built-in local profile: its default store)')
    .addArgument(completeWith(new Argument('<name>', 'a profile, or local'), 'profile'))
    .option('--url <url>', 'API root (a new URL removes the stored token: log in again)')
    .option('--account <id>', 'Cloudflare account, SGP account or Neostore tenant')
    .option('--store <store>', 'default store, name or id (cloudflare profiles and local)')
    .option('--no-store', 'no default store: the only store, else a question, else an error naming --store');
  examples(
    set,
    'sstore profile set local --store main',
    'sstore profile set prod --store staging',
    'sstore profile set dev --url http://127.0.0.1:8788',
    'sstore profile set prod --no-store',
  );
  set.action(async (name: string, options: SetOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ getProfile, updateProfile }, { descriptorOf }, { deleteToken }, { printJson, say }, { SstoreError }, fields] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../providers/registry.ts'),
      import('../../../config/credentials.ts'),
      import('../../output.ts'),
      import('../../../errors.ts'),
      import('./fields.ts'),
    ]);
    if (options.url === undefined && options.account === undefined && options.store === undefined) {
      throw new SstoreError('usage', 'nothing to change: give --url, --account, --store or --no-store', { reason: 'nothing_to_change' });
    }
    const current = await getProfile(ctx.io.env, name);
    const descriptor = descriptorOf(current.provider);
    if (options.store !== undefined) fields.checkStoreApplies(descriptor);
    if (options.account !== undefined) fields.checkAccount(descriptor, options.account);
    const checked = options.url === undefined ? undefined : fields.checkUrl(descriptor, options.url);
    if (checked?.note) say(ctx, `sstore: ${checked.note}`);
    const saved = await updateProfile(ctx.io.env, name, {
      ...(checked && { url: checked.url }),
      ...(options.account !== undefined && { account: options.account }),
      ...(options.store !== undefined && { store: options.store === false ? null : options.store }),
    });
    // A token is sent only to the URL it was stored for.
    const droppedToken = checked !== undefined && checked.url !== current.url ? await deleteToken(ctx.io.env, name) : false;
    if (ctx.globals.json) printJson(ctx.io, saved);
    const changed = [
      ...(checked ? [`url ${saved.url}`] : []),
      ...(options.account !== undefined ? [`account ${saved.account}`] : []),
      ...(options.store !== undefined ? [saved.store === undefined ? 'no default store' : `default store ${saved.store}`] : []),
    ];
    say(ctx, `profile ${name}: ${changed.join(', ')}${droppedToken ? `; removed its stored token (log in again: sstore login --profile ${name})` : ''}`);
  });
}
