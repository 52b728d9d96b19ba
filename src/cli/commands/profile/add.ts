import { Option, type Command } from 'commander';
import { PROVIDER_NAMES, type ProviderName } from '../../../provider-names.ts';
import { contextFor, examples } from '../../context.ts';

interface AddOptions {
  provider: ProviderName;
  url?: string;
  account?: string;
  local?: boolean;
  store?: string;
  force?: boolean;
}

export function registerProfileAdd(profile: Command): void {
  const add = profile
    .command('add')
    .description('Add a profile (an existing name is replaced only after a question on a terminal, or with --force)')
    .argument('<name>', 'letters, digits, _ and -')
    .addOption(new Option('--provider <provider>', 'the API').choices(PROVIDER_NAMES).default('cloudflare'))
    .option(
      '--url <url>',
      "API root (default: the provider's public API). Cloudflare: up to /client/v4 (added to a bare server address); sgp and neostore: the server root, e.g. http://127.0.0.1:8787",
    )
    .option('--account <id>', 'Cloudflare account, SGP account or Neostore tenant (with --local: default the profile name)')
    .option('--local', 'the embedded store, in-process, like the `local` profile (no server, no token)')
    .option('--store <store>', 'default store, name or id (cloudflare only: sgp and neostore have one implicit store)')
    .option('--force', 'replace a profile of that name without asking (its stored token is removed)');
  examples(
    add,
    'sstore profile add prod --account 0123456789abcdef0123456789abcdef --store main',
    'sstore profile add dev --url http://127.0.0.1:8787/client/v4 --account 10ca1000000000000000000000000000',
    'sstore profile add gp --provider sgp --account acct-123                   # https://api.egp.scale.com',
    'sstore profile add neo --provider neostore --url http://127.0.0.1:8787 --account my-tenant',
    'sstore profile add dev-neo --provider neostore --local                     # offline, tenant "dev-neo"',
  );
  add.action(async (name: string, options: AddOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ saveProfile, getProfile, checkProfileName }, { descriptorOf }, { accountLabel }, { deleteToken }, { printJson, say }, { SstoreError }, fields] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../providers/registry.ts'),
      import('../../../providers/descriptor.ts'),
      import('../../../config/credentials.ts'),
      import('../../output.ts'),
      import('../../../errors.ts'),
      import('./fields.ts'),
    ]);
    checkProfileName(name);
    const { provider } = options;
    const descriptor = descriptorOf(provider);
    if (options.local && options.url !== undefined) throw new SstoreError('usage', '--local and --url exclude each other: a local profile runs in-process', { reason: 'url_local' });
    if (options.store !== undefined) fields.checkStoreApplies(descriptor);
    const account = options.account ?? (options.local ? name : undefined);
    if (account === undefined) {
      throw new SstoreError('usage', `--account is required: the ${accountLabel(descriptor)} id`, { reason: 'account_missing' });
    }
    fields.checkAccount(descriptor, account);
    const checked = options.local ? undefined : fields.checkUrl(descriptor, options.url ?? descriptor.defaultUrl);
    const existing = await getProfile(ctx.io.env, name).catch(() => undefined);
    if (existing && !options.force) {
      const described = `${existing.provider}, ${existing.url ?? 'in-process'}, account ${existing.account ?? ''}`;
      if (!ctx.io.canPrompt) {
        throw new SstoreError('conflict', `profile "${name}" exists (${described}); nothing was changed`, {
          reason: 'profile_exists',
          hint: `change one field with \`sstore profile set ${name} --store S\` (or --url, --account), or replace it with --force`,
        });
      }
      const { confirmDestructive } = await import('../../prompts.ts');
      await confirmDestructive(ctx.io, false, `Profile ${name} exists (${described}). Replace it?`);
    }
    if (checked?.note) say(ctx, `sstore: ${checked.note}`);
    await saveProfile(ctx.io.env, { name, provider, local: options.local === true, url: checked?.url, account, store: options.store });
    // A replaced profile starts without a token: the old one was for its old URL and must not be sent to a new one.
    const droppedToken = existing ? await deleteToken(ctx.io.env, name) : false;
    if (ctx.globals.json) printJson(ctx.io, await getProfile(ctx.io.env, name));
    say(ctx, `${existing ? 'replaced' : 'added'} profile ${name}${droppedToken ? ' and removed its stored token' : ''}; use it with --profile ${name}, or make it the default: sstore profile use ${name}`);
  });
}
