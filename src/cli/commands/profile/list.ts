import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';

export function registerProfileList(profile: Command): void {
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
}
