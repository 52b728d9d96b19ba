import { readFileSync } from 'node:fs';
import { SstoreError } from '../../../errors.ts';
import { importFormatFor, parseImport } from '../../../formats/import.ts';
import { describeProblem } from '../../../formats/types.ts';
import { collect } from '../../../http/pagination.ts';
import type { Context } from '../../context.ts';
import { say } from '../../output.ts';
import { selectStore, withSession } from '../../session.ts';
import { executePlan } from '../../writes/execute.ts';
import { describePlan, findUnchanged, planWrites, refuseEmptying } from '../../writes/plan.ts';
import { printPlan } from '../../writes/report.ts';
import type { ImportOptions } from './index.ts';
import { checkEntries } from './plan.ts';

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
    const plan = planWrites(parsed.entries, existing, options.prune === true);
    if (options.allowEmpty !== true) refuseEmptying(label, `store ${store.name}`, plan, parsed.entries.length, 'import');
    await findUnchanged(provider, store, plan);

    if (options.dryRun) {
      printPlan(ctx, plan, { store: store.name });
      say(ctx, `dry run: ${describePlan(plan)} in store ${store.name}; nothing was changed`);
      return;
    }
    await executePlan(ctx, {
      verb: 'import',
      where: `store ${store.name}`,
      head: { store: store.name },
      provider,
      store,
      plan,
      yes: options.yes === true,
      deleteQuestion: (secrets) => `Delete ${secrets} of store ${store.name} that ${label} does not name`,
      starting: `importing ${label} into store ${store.name}`,
      progressLabel: 'importing',
      scopes: options.scopes ?? ['workers'],
    });
  });
}
