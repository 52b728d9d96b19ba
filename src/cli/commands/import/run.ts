import { readFileSync } from 'node:fs';
import { SstoreError } from '../../../errors.ts';
import { importFormatFor, parseImport } from '../../../formats/import.ts';
import { describeProblem } from '../../../formats/types.ts';
import { collect } from '../../../http/pagination.ts';
import type { Context } from '../../context.ts';
import { isCI } from '../../io.ts';
import { printJson, say } from '../../output.ts';
import { confirmDestructive } from '../../prompts.ts';
import { selectStore, withSession } from '../../session.ts';
import { applyPlan, checkQuota, type ImportResult } from './apply.ts';
import type { ImportOptions } from './index.ts';
import { checkEntries, findUnchanged, planImport, type ImportPlan } from './plan.ts';
import { createProgress } from '../../progress.ts';
import { EXIT } from '../../exit-codes.ts';

/** Imports of this many secrets or more show a progress bar on a terminal. */
const PROGRESS_FROM = 100;

function readInput(file: string): { text: string; label: string } {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new SstoreError('usage', `cannot read ${file === '-' ? 'standard input' : file}: ${why}`, { reason: 'file_unreadable' });
  }
  const label = file === '-' ? '<stdin>' : file;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), label };
  } catch {
    throw new SstoreError('validation', `${label}: not UTF-8 text; nothing was written`, { reason: 'file_not_utf8' });
  }
}

/** `a, b, c` — every name, so a person can see exactly which secrets a line is about. */
function names(list: readonly string[]): string {
  return list.join(', ');
}

function count(n: number): string {
  return `${n} ${n === 1 ? 'secret' : 'secrets'}`;
}

function describePlan(plan: ImportPlan): string {
  const unchanged = plan.unchanged.length > 0 ? `, ${plan.unchanged.length} unchanged` : '';
  return `${plan.create.length} to create, ${plan.update.length} to update${unchanged}${plan.remove.length > 0 ? `, ${plan.remove.length} to delete` : ''}`;
}

/** An empty file with --prune would delete every secret: that is done only when asked for in so many words. */
function refuseEmptying(label: string, storeName: string, plan: ImportPlan, fileEntries: number): void {
  if (fileEntries > 0 || plan.remove.length === 0) return;
  throw new SstoreError('usage', `${label} names no secrets, so --prune would delete all ${count(plan.remove.length)} of store ${storeName}; nothing was changed`, {
    reason: 'import_empty_prune',
    hint: 'pass --allow-empty to empty the store on purpose',
  });
}

/**
 * Ctrl-C during the writes: the request in flight gets its answer (so what it did is known), no other starts, and the
 * summary says what was written. A second Ctrl-C quits at once, the default way.
 */
function stopOnInterrupt(ctx: Context): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onInterrupt = (): void => {
    process.removeListener('SIGINT', onInterrupt);
    ctx.io.err('sstore: stopping after the request in flight (Ctrl-C again quits at once)');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  return { signal: controller.signal, release: () => process.removeListener('SIGINT', onInterrupt) };
}

export async function runImport(ctx: Context, file: string, options: ImportOptions): Promise<void> {
  const { io, globals } = ctx;
  const { text, label } = readInput(file);
  const format = options.format ?? (file === '-' ? 'dotenv' : importFormatFor(file));
  const parsed = parseImport(format, text, label);

  await withSession(ctx, async (session) => {
    const { provider } = session;
    // Every problem of the file, with its line, before a single request.
    const problems = checkEntries(parsed, label, provider);
    if (problems.length > 0) {
      for (const problem of problems) io.err(describeProblem(problem));
      const kind = problems.every((p) => p.kind === 'quota') ? 'quota' : 'validation';
      throw new SstoreError(kind, `${label}: ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}; nothing was written`, {
        reason: 'import_invalid',
      });
    }
    const store = await selectStore(ctx, session, options.store);
    const existing = await collect(provider.listSecrets(store.id));
    const plan = planImport(parsed.entries, existing, options.prune === true);
    if (options.allowEmpty !== true) refuseEmptying(label, store.name, plan, parsed.entries.length);
    await findUnchanged(provider, store, plan);

    if (options.dryRun) {
      if (globals.json) {
        printJson(io, {
          store: store.name,
          dry_run: true,
          create: plan.create.map((e) => e.name),
          update: plan.update.map((e) => e.name),
          unchanged: plan.unchanged.map((e) => e.name),
          delete: plan.remove.map((s) => s.name),
        });
      } else if (!globals.quiet) {
        const lines = [
          ...plan.create.map((e) => `create     ${e.name}`),
          ...plan.update.map((e) => `update     ${e.name}`),
          ...plan.unchanged.map((e) => `unchanged  ${e.name}`),
          ...plan.remove.map((s) => `delete     ${s.name}`),
        ];
        if (lines.length > 0) io.out(lines.join('\n'));
      }
      say(ctx, `dry run: ${describePlan(plan)} in store ${store.name}; nothing was changed`);
      return;
    }

    if (plan.remove.length > 0) {
      await confirmDestructive(io, options.yes === true, `Delete ${count(plan.remove.length)} of store ${store.name} that ${label} does not name (${names(plan.remove.map((s) => s.name))})?`);
    }
    const deleteFirst = await checkQuota(provider, plan);
    say(ctx, `importing ${label} into store ${store.name}: ${describePlan(plan)}`);

    const total = plan.create.length + plan.update.length + plan.remove.length;
    const bar = total >= PROGRESS_FROM && io.stderr.isTTY === true && !isCI(io.env) && !globals.quiet ? createProgress(io.stderr, 'importing', total) : undefined;
    const interrupt = stopOnInterrupt(ctx);
    const result = await applyPlan(provider, store, plan, {
      scopes: provider.capabilities.scopes ? (options.scopes ?? ['workers']) : [],
      deleteFirst,
      signal: interrupt.signal,
      ...(bar && { onProgress: (done: number) => bar.update(done) }),
    }).finally(interrupt.release);
    bar?.finish();
    report(ctx, store.name, plan, result);
  });
}

function report(ctx: Context, storeName: string, plan: ImportPlan, result: ImportResult): void {
  const { io, globals } = ctx;
  const removing = new Set(plan.remove.map((s) => s.name));
  const notWritten = result.pending.filter((n) => !removing.has(n));
  const notDeleted = result.pending.filter((n) => removing.has(n));
  if (globals.json) {
    printJson(io, {
      store: storeName,
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
    say(ctx, `${done} in store ${storeName}`);
    return;
  }
  // The full account of a partial import goes out even with -q: it is what the user needs to act on.
  io.err(`import ${result.interrupted ? 'interrupted' : 'stopped part way'}: ${done} in store ${storeName}`);
  if (result.created.length > 0) io.err(`created: ${names(result.created)}`);
  if (result.updated.length > 0) io.err(`updated: ${names(result.updated)}`);
  if (result.deleted.length > 0) io.err(`deleted: ${names(result.deleted)}`);
  if (result.unknown.length > 0) io.err(`unknown (the request got no answer; a rerun settles it): ${names(result.unknown)}`);
  if (notWritten.length > 0) io.err(`not written (${notWritten.length}): ${names(notWritten)}`);
  if (notDeleted.length > 0) io.err(`not deleted (${notDeleted.length}): ${names(notDeleted)}`);
  if (result.interrupted) {
    io.err('hint: run the same import again to finish it: it creates what is missing and updates the rest');
    process.exitCode = EXIT.interrupted;
    return;
  }
  const cause = result.error;
  if (cause instanceof SstoreError) {
    throw new SstoreError(cause.kind, `import stopped: ${cause.message}`, {
      ...(cause.reason !== undefined && { reason: cause.reason }),
      ...(cause.status !== undefined && { status: cause.status }),
      hint: 'fix the cause and run the same import again: it creates what is missing and updates the rest',
      cause,
    });
  }
  throw cause;
}
