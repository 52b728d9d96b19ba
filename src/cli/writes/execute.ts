import type { Provider, Secret, Store } from '../../providers/provider.ts';
import type { Context } from '../context.ts';
import { isCI } from '../io.ts';
import { say } from '../output.ts';
import { createProgress } from '../progress.ts';
import { confirmDestructive } from '../prompts.ts';
import { applyPlan, checkQuota, type WriteResult } from './apply.ts';
import { countSecrets, describePlan, type PlanEntry, type WritePlan } from './plan.ts';
import { names, reportResult, type ReportWords } from './report.ts';

/** Runs of this many secrets or more show a progress bar on a terminal. */
const PROGRESS_FROM = 100;

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

export interface WriteJob<E extends PlanEntry> extends ReportWords {
  provider: Provider;
  store: Store;
  plan: WritePlan<E>;
  /** `--yes`: deletions without a question. */
  yes: boolean;
  /** Asked on a terminal before --prune deletes, given `2 secrets`: `Delete 2 secrets of store main that .env does not name`. */
  deleteQuestion: (secrets: string) => string;
  /** The status line before the writes: `importing .env into store main`. */
  starting: string;
  /** `importing`, `syncing`: the progress bar's label. */
  progressLabel: string;
  /** Scopes of new secrets whose entry names none. */
  scopes: string[];
  onWritten?: (secrets: readonly Secret[]) => void;
  /** Called once the writes are over, whatever happened, before the summary (sync keeps its state here). */
  afterWrites?: (result: WriteResult) => void;
}

/**
 * What `import` and `sync` do once the plan is made: ask before deleting, check the quota before the first write,
 * write in as few requests as the target allows (with a progress bar on a terminal and Ctrl-C stopping cleanly), then
 * the summary, or the account of a partial run and its error.
 */
export async function executePlan<E extends PlanEntry>(ctx: Context, job: WriteJob<E>): Promise<void> {
  const { io, globals } = ctx;
  const { provider, store, plan } = job;
  if (plan.remove.length > 0) {
    await confirmDestructive(io, job.yes, `${job.deleteQuestion(countSecrets(plan.remove.length))} (${names(plan.remove.map((s) => s.name))})?`);
  }
  const deleteFirst = await checkQuota(provider, plan, job.verb);
  say(ctx, `${job.starting}: ${describePlan(plan)}`);

  const total = plan.create.length + plan.update.length + plan.remove.length;
  const bar = total >= PROGRESS_FROM && io.stderr.isTTY === true && !isCI(io.env) && !globals.quiet ? createProgress(io.stderr, job.progressLabel, total) : undefined;
  const interrupt = stopOnInterrupt(ctx);
  const result = await applyPlan(provider, store, plan, {
    scopes: job.scopes,
    comments: provider.capabilities.comments,
    deleteFirst,
    signal: interrupt.signal,
    ...(job.onWritten && { onWritten: job.onWritten }),
    ...(bar && { onProgress: (done: number) => bar.update(done) }),
  }).finally(interrupt.release);
  bar?.finish();
  job.afterWrites?.(result);
  reportResult(ctx, job, plan, result);
}
