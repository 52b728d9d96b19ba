import { SstoreError } from '../../errors.ts';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { printJson, say } from '../output.ts';
import type { WriteResult } from './apply.ts';
import type { WritePlan } from './plan.ts';

/** `a, b, c` — every name, so a person can see exactly which secrets a line is about. */
export function names(list: readonly string[]): string {
  return list.join(', ');
}

/**
 * The plan as `--dry-run` prints it: one line per name (`create     A`), and with `--json` one object. `why` adds the
 * reason of each line where the command knows one (sync: how it knows a secret is unchanged).
 */
export function printPlan(ctx: Context, plan: WritePlan, head: Record<string, unknown>, why?: (name: string) => string | undefined): void {
  const { io, globals } = ctx;
  if (globals.json) {
    const list = (entries: readonly { name: string }[]) => entries.map((e) => (why ? { name: e.name, why: why(e.name) } : e.name));
    printJson(io, { ...head, dry_run: true, create: list(plan.create), update: list(plan.update), unchanged: list(plan.unchanged), delete: list(plan.remove) });
    return;
  }
  if (globals.quiet) return;
  const lines = planLines(plan, why);
  if (lines.length > 0) io.out(lines.join('\n'));
}

/** One line per name: `create     A`, with `  (why)` after it where there is a reason. */
export function planLines(plan: WritePlan, why?: (name: string) => string | undefined): string[] {
  const line = (action: string, name: string) => {
    const reason = why?.(name);
    return `${action.padEnd(11)}${name}${reason === undefined ? '' : `  (${reason})`}`;
  };
  return [
    ...plan.create.map((e) => line('create', e.name)),
    ...plan.update.map((e) => line('update', e.name)),
    ...plan.unchanged.map((e) => line('unchanged', e.name)),
    ...plan.remove.map((s) => line('delete', s.name)),
  ];
}

export interface ReportWords {
  /** The command, in messages: `import`, `sync`. */
  verb: string;
  /** Where the writes went: `store main`, `store main of profile prod`. */
  where: string;
  /** What `--json` puts first: `{ store }`, `{ from, to }`. */
  head: Record<string, unknown>;
}

/**
 * The summary of a run; after a failure part way or Ctrl-C, every name written and not written, then the error (a
 * rerun finishes the job: it creates what is missing and updates the rest).
 */
export function reportResult(ctx: Context, words: ReportWords, plan: WritePlan, result: WriteResult): void {
  const { io, globals } = ctx;
  const { verb, where } = words;
  const removing = new Set(plan.remove.map((s) => s.name));
  const notWritten = result.pending.filter((n) => !removing.has(n));
  const notDeleted = result.pending.filter((n) => removing.has(n));
  if (globals.json) {
    printJson(io, {
      ...words.head,
      created: result.created,
      updated: result.updated,
      deleted: result.deleted,
      unchanged: plan.unchanged.map((e) => e.name),
      ...((result.error !== undefined || result.interrupted) && { not_written: notWritten, not_deleted: notDeleted, unknown: result.unknown }),
      ...(result.interrupted && { interrupted: true }),
    });
  }
  const unchanged = plan.unchanged.length > 0 ? `, unchanged ${plan.unchanged.length}` : '';
  const done = `created ${result.created.length}, updated ${result.updated.length}${unchanged}${plan.remove.length > 0 ? `, deleted ${result.deleted.length}` : ''}`;
  if (result.error === undefined && !result.interrupted) {
    say(ctx, `${done} in ${where}`);
    return;
  }
  // The full account of a partial run goes out even with -q: it is what the user needs to act on.
  io.err(`${verb} ${result.interrupted ? 'interrupted' : 'stopped part way'}: ${done} in ${where}`);
  if (result.created.length > 0) io.err(`created: ${names(result.created)}`);
  if (result.updated.length > 0) io.err(`updated: ${names(result.updated)}`);
  if (result.deleted.length > 0) io.err(`deleted: ${names(result.deleted)}`);
  if (result.unknown.length > 0) io.err(`unknown (the request got no answer; a rerun settles it): ${names(result.unknown)}`);
  if (notWritten.length > 0) io.err(`not written (${notWritten.length}): ${names(notWritten)}`);
  if (notDeleted.length > 0) io.err(`not deleted (${notDeleted.length}): ${names(notDeleted)}`);
  if (result.interrupted) {
    io.err(`hint: run the same ${verb} again to finish it: it creates what is missing and updates the rest`);
    process.exitCode = EXIT.interrupted;
    return;
  }
  const cause = result.error;
  if (cause instanceof SstoreError) {
    throw new SstoreError(cause.kind, `${verb} stopped: ${cause.message}`, {
      ...(cause.reason !== undefined && { reason: cause.reason }),
      ...(cause.status !== undefined && { status: cause.status }),
      hint: `fix the cause and run the same ${verb} again: it creates what is missing and updates the rest`,
      cause,
    });
  }
  throw cause;
}
