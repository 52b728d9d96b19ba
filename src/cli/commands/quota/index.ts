import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';

export function registerQuota(program: Command): void {
  const quota = program.command('quota').description('Show how many secrets the account uses, and its limit where the provider reports one');
  examples(quota, 'sstore quota', 'sstore quota --json | jq .secrets.usage');
  quota.action(async (_options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ withSession }, { printJson, printFields }] = await Promise.all([import('../../session.ts'), import('../../output.ts')]);
    await withSession(ctx, async ({ provider }) => {
      const q = await provider.quota();
      if (ctx.globals.json) return printJson(ctx.io, q.raw);
      if (ctx.globals.quiet) return ctx.io.out(String(q.usage));
      const fmt = (n: number) => n.toLocaleString('en');
      await printFields(ctx.io, [
        ['secrets', q.quota === undefined ? `${fmt(q.usage)} used (limit unknown: the ${provider.name} API reports none)` : `${fmt(q.usage)} of ${fmt(q.quota)} used`],
        ...(q.quota !== undefined ? [['left', fmt(Math.max(0, q.quota - q.usage))] as [string, string]] : []),
      ]);
    });
  });
}
