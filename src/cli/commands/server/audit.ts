import type { Command } from 'commander';
import { isoToMicros } from '../../../engine/clock.ts';
import type { AuditQuery } from '../../../providers/provider.ts';
import { SstoreError } from '../../../errors.ts';
import { addAuditFilters, type AuditFlags, pastInstant } from '../../audit-view.ts';
import { contextFor, examples, helpNote } from '../../context.ts';
import { DATABASE_FLAGS, DATABASE_HELP, type TargetOptions } from './target.ts';
import { withEngine } from './token.ts';

const micros = (iso: string): number => {
  const value = isoToMicros(iso);
  if (value === undefined) throw new SstoreError('usage', `not an ISO 8601 time: ${iso}`);
  return value;
};

/**
 * `--data`/`--database` of `verify` and `prune`: commander hands a flag that `server audit` has too to `server audit`,
 * wherever it stands on the line, so both commands' values count.
 */
function targetOf(command: Command): TargetOptions {
  const { data, database } = command.optsWithGlobals<TargetOptions>();
  return { ...(data !== undefined && { data }), ...(database !== undefined && { database }) };
}

/** Reads a server's audit trail offline, on its data dir or database: no server, no token. */
export function registerServerAudit(server: Command): void {
  const audit = server
    .command('audit')
    .description("Show a server's audit trail offline, oldest first: who created, changed, revealed or deleted what (never a value)")
    .option('--data <dir>', 'data directory of the server')
    .option(DATABASE_FLAGS, DATABASE_HELP);
  addAuditFilters(audit);
  examples(
    audit,
    'sstore server audit --data ./srv --since 10m',
    'sstore server audit --actor ci --action secret.update --json | jq length',
    'sstore server audit --database "$SSTORE_DATABASE_URL" --follow --json',
    'sstore server audit verify --data ./srv',
    'sstore server audit prune --before 90d --yes',
  );
  audit.action(async (options: AuditFlags & TargetOptions, command: Command) => {
    const ctx = contextFor(command);
    const [view, { auditPage, isAuditAction }] = await Promise.all([import('../../audit-view.ts'), import('../../../server/audit-query.ts')]);
    await withEngine(
      ctx,
      options,
      async (engine) => {
        const source = async ({ since, action, ...rest }: AuditQuery) => {
          if (action !== undefined && !isAuditAction(action)) throw new SstoreError('usage', `unknown audit action "${action}"`);
          return auditPage(engine, { ...rest, ...(since !== undefined && { since: micros(since) }), ...(action !== undefined && { action }) });
        };
        const query = view.auditQuery(options);
        if (options.follow) return view.followAudit(ctx, source, query);
        await view.printAudit(ctx, await view.readAudit(source, query));
      },
      { create: false },
    );
  });

  const verify = audit
    .command('verify')
    .description('Check the audit chain: exit 0 when every entry is intact, 1 naming the first altered or missing one')
    .option('--data <dir>', 'data directory of the server')
    .option(DATABASE_FLAGS, DATABASE_HELP);
  examples(verify, 'sstore server audit verify --data ./srv', 'sstore server audit verify --json | jq -r .head_hash   # note it elsewhere: see the README');
  helpNote(
    verify,
    'Each entry holds a hash over its fields and the previous entry\'s hash, so a row altered or removed in the database breaks the chain. Someone who can write the database and recomputes every later hash is not detected: keep the head hash it prints somewhere else and compare.',
  );
  verify.action(async (_options: TargetOptions, command: Command) => {
    const ctx = contextFor(command);
    const options = targetOf(command);
    const [{ ChainVerifier }, { printJson }] = await Promise.all([import('../../../engine/audit/verify.ts'), import('../../output.ts')]);
    const report = await withEngine(
      ctx,
      options,
      async (engine) => {
        const verifier = new ChainVerifier();
        let first: number | undefined;
        for (let afterId: number | undefined; ; ) {
          const page = await engine.listAudit({ limit: 1000, ...(afterId !== undefined && { afterId }) });
          first ??= page[0]?.id;
          if (!page.every((entry) => verifier.add(entry)) || page.length < 1000) break;
          afterId = page.at(-1)!.id;
        }
        return { ...verifier.report(), first };
      },
      { create: false },
    );
    if (report.problem) {
      // One line, exit 1: the entries before it verified.
      throw new SstoreError('internal', `the audit chain is broken: ${report.problem.message}`, { reason: `audit_${report.problem.fault}` });
    }
    const { entries, head, first } = report;
    if (ctx.globals.json) {
      return printJson(ctx.io, { ok: true, entries, first_id: first ?? null, last_id: head?.id ?? null, head_hash: head?.hash ?? null });
    }
    if (!head) return ctx.io.out('no audit entries yet: nothing to verify');
    const from = first === 1 ? '' : ` from entry ${first} (the ones before were pruned)`;
    ctx.io.out(`verified ${entries} audit ${entries === 1 ? 'entry' : 'entries'}${from}: the chain is intact up to entry ${head.id}, hash ${head.hash}`);
  });

  const prune = audit
    .command('prune')
    .description('Delete the audit entries older than a date, recording that as an entry; the chain stays verifiable from the first kept entry')
    .requiredOption('--before <time>', 'delete entries older than this: a duration ago (90d, 12w) or ISO 8601', (raw: string) => pastInstant(raw))
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .option('--data <dir>', 'data directory of the server')
    .option(DATABASE_FLAGS, DATABASE_HELP);
  examples(prune, 'sstore server audit prune --before 90d', 'sstore server audit prune --before 2026-01-01 --data ./srv --yes');
  prune.action(async (own: { before: string; yes?: boolean }, command: Command) => {
    const ctx = contextFor(command);
    const options = { ...own, ...targetOf(command) };
    const [{ confirmDestructive }, { localActor }, { printJson, say }, { auditJson }] = await Promise.all([
      import('../../prompts.ts'),
      import('../../../engine/actor.ts'),
      import('../../output.ts'),
      import('../../../server/audit-query.ts'),
    ]);
    await confirmDestructive(ctx.io, options.yes === true, `Delete the audit entries older than ${options.before}?`);
    const entry = await withEngine(ctx, options, (engine) => engine.pruneAudit(micros(options.before), localActor()), { create: false });
    if (ctx.globals.json) return printJson(ctx.io, auditJson(entry));
    const pruned = entry.detail?.pruned ?? 0;
    say(ctx, `pruned ${pruned} audit ${pruned === 1 ? 'entry' : 'entries'} older than ${options.before}; recorded as entry ${entry.id}`);
  });
}
