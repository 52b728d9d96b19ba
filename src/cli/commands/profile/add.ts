import { Option, type Command } from 'commander';
import { PROVIDER_NAMES, type ProviderName } from '../../../provider-names.ts';
import { contextFor, examples } from '../../context.ts';
import { oneOf } from '../../options.ts';

interface AddOptions {
  provider: ProviderName;
  url?: string;
  account?: string;
  local?: boolean;
  store?: string;
}

export function registerProfileAdd(profile: Command): void {
  const add = profile
    .command('add')
    .description('Add (or replace) a profile')
    .argument('<name>', 'letters, digits, _ and -')
    .addOption(new Option('--provider <provider>', 'the API: cloudflare, sgp or neostore').argParser(oneOf(PROVIDER_NAMES)).default('cloudflare'))
    .option(
      '--url <url>',
      'API root (default: the provider\'s public API). Cloudflare: up to /client/v4; sgp and neostore: the server root, e.g. http://127.0.0.1:8787',
    )
    .option('--account <id>', 'Cloudflare account, SGP account or Neostore tenant (with --local: default the profile name)')
    .option('--local', 'the embedded store, in-process, like the `local` profile (no server, no token)')
    .option('--store <store>', 'default store, name or id (cloudflare only: sgp and neostore have one implicit store)');
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
    const [{ saveProfile, getProfile, checkProfileName }, { descriptorOf }, { accountLabel }, { printJson, say }, { SstoreError }] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../providers/registry.ts'),
      import('../../../providers/descriptor.ts'),
      import('../../output.ts'),
      import('../../../errors.ts'),
    ]);
    checkProfileName(name);
    const { provider } = options;
    const descriptor = descriptorOf(provider);
    if (options.local && options.url !== undefined) throw new SstoreError('usage', '--local and --url exclude each other: a local profile runs in-process', { reason: 'url_local' });
    if (options.store !== undefined && !descriptor.capabilities.nativeStores) {
      throw new SstoreError('usage', `--store does not apply to ${provider}: its ${descriptor.accountNoun} is the one implicit store`, { reason: 'store_implicit' });
    }
    const account = options.account ?? (options.local ? name : undefined);
    if (account === undefined) {
      throw new SstoreError('usage', `--account is required: the ${accountLabel(descriptor)} id`, { reason: 'account_missing' });
    }
    if (!/^[A-Za-z0-9_-]+$/.test(account) || account.length > descriptor.maxAccountLength) {
      throw new SstoreError('usage', `--account is not an account id: ${account}`, { reason: 'account_invalid' });
    }
    let url: string | undefined;
    if (!options.local) {
      url = (options.url ?? descriptor.defaultUrl).replace(/\/+$/, '');
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new SstoreError('usage', `--url is not a URL: ${url}`, { reason: 'url_invalid' });
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new SstoreError('usage', '--url must be http or https', { reason: 'url_invalid' });
      const pasted = descriptor.pastedPath;
      if (pasted?.pattern.test(parsed.pathname)) {
        throw new SstoreError('usage', `--url for ${provider} is the server root: sstore adds ${pasted.adds} itself`, {
          reason: 'url_invalid',
          hint: `e.g. --url ${parsed.origin}`,
        });
      }
    }
    const existed = await saveProfile(ctx.io.env, { name, provider, local: options.local === true, url, account, store: options.store });
    if (ctx.globals.json) printJson(ctx.io, await getProfile(ctx.io.env, name));
    say(ctx, `${existed ? 'replaced' : 'added'} profile ${name}; use it with --profile ${name}, or make it the default: sstore profile use ${name}`);
  });
}
