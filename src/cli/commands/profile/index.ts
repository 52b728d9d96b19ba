import { Option, type Command } from 'commander';
import { contextFor, examples } from '../../context.ts';
import { oneOf } from '../../options.ts';

interface AddOptions {
  provider: 'cloudflare' | 'sgp' | 'neostore';
  url?: string;
  account?: string;
  local?: boolean;
  store?: string;
}

/** Paths a user might paste into --url by mistake: each provider adds its own. */
const API_PATHS: Record<AddOptions['provider'], RegExp | undefined> = {
  cloudflare: undefined,
  sgp: /\/(v5|client\/v4)(\/|$)/,
  neostore: /\/(api|client\/v4)(\/|$)/,
};

export function registerProfile(program: Command): void {
  const profile = program.command('profile').alias('profiles').description('Manage profiles: which API, account and default store to use');

  const add = profile
    .command('add')
    .description('Add (or replace) a profile')
    .argument('<name>', 'letters, digits, _ and -')
    .addOption(new Option('--provider <provider>', 'the API: cloudflare, sgp or neostore').argParser(oneOf(['cloudflare', 'sgp', 'neostore'] as const)).default('cloudflare'))
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
    const [{ saveProfile, getProfile, checkProfileName, DEFAULT_URLS }, { printJson, say }, { SstoreError }] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../output.ts'),
      import('../../../errors.ts'),
    ]);
    checkProfileName(name);
    const { provider } = options;
    if (options.local && options.url !== undefined) throw new SstoreError('usage', '--local and --url exclude each other: a local profile runs in-process', { reason: 'url_local' });
    if (options.store !== undefined && provider !== 'cloudflare') {
      throw new SstoreError('usage', `--store does not apply to ${provider}: its ${provider === 'sgp' ? 'account' : 'tenant'} is the one implicit store`, { reason: 'store_implicit' });
    }
    const account = options.account ?? (options.local ? name : undefined);
    if (account === undefined) {
      throw new SstoreError('usage', `--account is required: the ${provider === 'sgp' ? 'SGP account' : provider === 'neostore' ? 'Neostore tenant' : 'Cloudflare account'} id`, { reason: 'account_missing' });
    }
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(account) || (provider === 'cloudflare' && account.length > 64)) {
      throw new SstoreError('usage', `--account is not an account id: ${account}`, { reason: 'account_invalid' });
    }
    let url: string | undefined;
    if (!options.local) {
      url = (options.url ?? DEFAULT_URLS[provider]).replace(/\/+$/, '');
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new SstoreError('usage', `--url is not a URL: ${url}`, { reason: 'url_invalid' });
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new SstoreError('usage', '--url must be http or https', { reason: 'url_invalid' });
      if (API_PATHS[provider]?.test(parsed.pathname)) {
        throw new SstoreError('usage', `--url for ${provider} is the server root: sstore adds ${provider === 'sgp' ? '/v5/sgp/secrets' : '/api/{tenant}/secrets'} itself`, {
          reason: 'url_invalid',
          hint: `e.g. --url ${parsed.origin}`,
        });
      }
    }
    const existed = await saveProfile(ctx.io.env, { name, provider, local: options.local === true, url, account, store: options.store });
    if (ctx.globals.json) printJson(ctx.io, await getProfile(ctx.io.env, name));
    say(ctx, `${existed ? 'replaced' : 'added'} profile ${name}; use it with --profile ${name}, or make it the default: sstore profile use ${name}`);
  });

  const list = profile.command('list').alias('ls').description('List profiles (the active one is marked *)');
  examples(list, 'sstore profile list', 'sstore profile list --json');
  list.action(async (_options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ listProfiles }, out] = await Promise.all([import('../../../config/profiles.ts'), import('../../output.ts')]);
    const { profiles, active } = await listProfiles(ctx.io.env);
    if (ctx.globals.json) return out.printJson(ctx.io, profiles.map((p) => ({ ...p, active: p.name === active })));
    if (ctx.globals.quiet) return ctx.io.out(profiles.map((p) => p.name).join('\n'));
    await out.printTable(
      ctx.io,
      [{ head: '' }, { head: 'NAME', style: 'name' }, { head: 'PROVIDER' }, { head: 'URL' }, { head: 'ACCOUNT' }, { head: 'STORE' }],
      profiles.map((p) => [p.name === active ? '*' : '', p.name, p.provider, p.url ?? '(embedded, in-process)', p.account ?? '', p.store ?? '']),
    );
  });

  const use = profile.command('use').description('Make a profile the default').argument('<name>');
  examples(use, 'sstore profile use prod', 'sstore profile use local');
  use.action(async (name: string, _options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ useProfile }, { say }] = await Promise.all([import('../../../config/profiles.ts'), import('../../output.ts')]);
    await useProfile(ctx.io.env, name);
    say(ctx, `now using profile ${name}`);
  });

  const show = profile
    .command('show')
    .description('Show a profile (default: the one in effect, with environment overrides) and where its token comes from')
    .argument('[name]');
  examples(show, 'sstore profile show', 'SSTORE_PROFILE=prod sstore profile show --json', 'sstore profile show dev');
  show.action(async (name: string | undefined, _options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ resolveProfile }, { findToken }, { dataDir }, out] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../config/credentials.ts'),
      import('../../../config/paths.ts'),
      import('../../output.ts'),
    ]);
    const p = await resolveProfile(ctx.io.env, name ?? ctx.globals.profile);
    const { local } = p;
    const token = local ? undefined : await findToken(ctx.io.env, p.name, p.provider);
    const credentials = local ? 'none needed (in-process)' : (token?.source ?? 'none (run `sstore login`)');
    if (ctx.globals.json) {
      return out.printJson(ctx.io, {
        name: p.name,
        provider: p.provider,
        local,
        url: p.url ?? null,
        account: p.account ?? null,
        store: p.store ?? null,
        selected_by: p.selectedBy,
        overridden: p.overridden,
        credentials: local ? 'none' : (token?.source ?? null),
        ...(local && { data_dir: dataDir(ctx.io.env) }),
      });
    }
    if (ctx.globals.quiet) return ctx.io.out(p.name);
    await out.printFields(ctx.io, [
      ['name', p.name],
      ['provider', p.provider],
      ['url', p.url ?? `(embedded store in ${dataDir(ctx.io.env)})`],
      ['account', p.account ?? ''],
      ['store', p.store ?? (p.provider === 'cloudflare' ? '(the only store, or ask)' : `(the ${p.provider === 'sgp' ? 'account' : 'tenant'}: one implicit store)`)],
      ['selected by', p.selectedBy],
      ...(p.overridden.length > 0 ? [['overridden', p.overridden.join(', ')] as [string, string]] : []),
      ['credentials', credentials],
    ]);
  });

  const rm = profile.command('rm').alias('remove').description('Remove a profile and its stored token').argument('<name>');
  examples(rm, 'sstore profile rm old');
  rm.action(async (name: string, _options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ removeProfile }, { deleteToken }, { say }] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../config/credentials.ts'),
      import('../../output.ts'),
    ]);
    await removeProfile(ctx.io.env, name);
    const hadToken = await deleteToken(ctx.io.env, name);
    say(ctx, `removed profile ${name}${hadToken ? ' and its token' : ''}`);
  });
}
