import { Argument, type Command } from 'commander';
import { completeWith } from '../../../completion/kinds.ts';
import { contextFor, examples } from '../../context.ts';

export function registerProfileShow(profile: Command): void {
  const show = profile
    .command('show')
    .description('Show a profile (default: the one in effect, with environment overrides) and where its token comes from')
    .addArgument(completeWith(new Argument('[name]'), 'profile'));
  examples(show, 'sstore profile show', 'SSTORE_PROFILE=prod sstore profile show --json', 'sstore profile show dev');
  show.action(async (name: string | undefined, _options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ resolveProfile }, { findToken }, { dataDir }, { descriptorOf }, out] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../config/credentials.ts'),
      import('../../../config/paths.ts'),
      import('../../../providers/registry.ts'),
      import('../../output.ts'),
    ]);
    const p = await resolveProfile(ctx.io.env, name ?? ctx.globals.profile);
    const { local } = p;
    const descriptor = descriptorOf(p.provider);
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
      ['store', p.store ?? (descriptor.capabilities.nativeStores ? '(the only store, or ask)' : `(the ${descriptor.accountNoun}: one implicit store)`)],
      ['selected by', p.selectedBy],
      ...(p.overridden.length > 0 ? [['overridden', p.overridden.join(', ')] as [string, string]] : []),
      ['credentials', credentials],
    ]);
  });
}
