import type { Command } from 'commander';
import { describeTarget, parseTarget, type StorageTarget } from '../../../engine/storage/target.ts';
import { type Context, contextFor, exampleSection } from '../../context.ts';
import { printJson, say } from '../../output.ts';
import { warnOfPassword } from './target.ts';

interface CopyFlags {
  from: string;
  to: string;
  replace?: boolean;
}

function targetOf(ctx: Context, flag: string, text: string): StorageTarget {
  const target = parseTarget(text);
  if (target.kind === 'postgres') warnOfPassword(ctx, flag, text, 'PGPASSWORD, which the PostgreSQL client reads');
  return target;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function registerServerCopy(server: Command): void {
  server
    .command('copy')
    .description("Copy a server's data (stores, secrets still sealed, tokens) between data dirs and PostgreSQL databases")
    .requiredOption('--from <dir-or-url>', 'the source: a data directory, or postgres://user@host/db (only read)')
    .requiredOption('--to <dir-or-url>', 'the target: a data directory (created if missing), or postgres://user@host/db')
    .option('--replace', "replace the target's stores, secrets and tokens (a non-empty target is refused without it)")
    .addHelpText(
      'after',
      exampleSection(
        'SSTORE_MASTER_KEY=... PGPASSWORD=... sstore server copy --from ~/.local/share/sstore --to postgres://sstore@db/sstore',
        'SSTORE_MASTER_KEY=... sstore server copy --from postgres://sstore@db/sstore --to ./backup --replace',
      ),
    )
    .action(async (flags: CopyFlags, command: Command) => {
      const ctx = contextFor(command);
      const from = targetOf(ctx, '--from', flags.from);
      const to = targetOf(ctx, '--to', flags.to);
      const { copyStorage } = await import('../../../engine/copy.ts');
      const counts = await copyStorage({
        from,
        to,
        replace: flags.replace === true,
        env: ctx.io.env,
        onKeyKept: (key) => ctx.io.err(`sstore: the copy's master key (the source's) is kept in ${key.where}`),
      });
      if (ctx.globals.json) {
        printJson(ctx.io, { from: describeTarget(from), to: describeTarget(to), replaced: flags.replace === true, ...counts });
      }
      say(
        ctx,
        `copied ${plural(counts.stores, 'store')}, ${plural(counts.secrets, 'secret')} and ${plural(counts.tokens, 'token')} ` +
          `from ${describeTarget(from)} to ${describeTarget(to)}`,
      );
    });
}
