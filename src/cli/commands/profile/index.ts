import { Option, type Command } from 'commander';
import { contextFor, examples } from '../../context.ts';
import { oneOf } from '../../options.ts';

interface AddOptions {
  provider: 'cloudflare' | 'sgp' | 'neostore';
  url: string;
  account: string;
  store?: string;
}

export function registerProfile(program: Command): void {
  const profile = program.command('profile').alias('profiles').description('Manage profiles: which API, account and default store to use');

  const add = profile
    .command('add')
    .description('Add (or replace) a profile')
    .argument('<name>', 'letters, digits, _ and -')
    .addOption(new Option('--provider <provider>', 'the API').argParser(oneOf(['cloudflare', 'sgp', 'neostore'] as const)).default('cloudflare'))
    .option('--url <url>', 'API base URL', 'https://api.cloudflare.com/client/v4')
    .requiredOption('--account <id>', 'account id')
    .option('--store <store>', 'default store (name or id)');
  examples(
    add,
    'sstore profile add prod --account 0123456789abcdef0123456789abcdef --store main',
    'sstore profile add dev --url http://127.0.0.1:8787/client/v4 --account 10ca1000000000000000000000000000',
  );
  add.action(async (name: string, options: AddOptions, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ saveProfile, getProfile }, { printJson, say }, { SstoreError }] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../output.ts'),
      import('../../../errors.ts'),
    ]);
    if (options.provider !== 'cloudflare') {
      throw new SstoreError('unsupported', `the ${options.provider} provider is not available in this version of sstore`, { reason: 'unsupported' });
    }
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new SstoreError('usage', `--url is not a URL: ${options.url}`, { reason: 'url_invalid' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SstoreError('usage', '--url must be http or https', { reason: 'url_invalid' });
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(options.account)) throw new SstoreError('usage', `--account is not an account id: ${options.account}`, { reason: 'account_invalid' });
    const existed = await saveProfile(ctx.io.env, { name, provider: options.provider, url: options.url.replace(/\/+$/, ''), account: options.account, store: options.store });
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
    const [{ resolveProfile, LOCAL_PROFILE }, { findToken }, { dataDir }, out] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../config/credentials.ts'),
      import('../../../config/paths.ts'),
      import('../../output.ts'),
    ]);
    const p = await resolveProfile(ctx.io.env, name ?? ctx.globals.profile);
    const local = p.name === LOCAL_PROFILE;
    const token = local ? undefined : await findToken(ctx.io.env, p.name);
    const credentials = local ? 'none needed (in-process)' : (token?.source ?? 'none (run `sstore login`)');
    if (ctx.globals.json) {
      return out.printJson(ctx.io, {
        name: p.name,
        provider: p.provider,
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
      ['store', p.store ?? '(the only store, or ask)'],
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
