import { SstoreError } from '../../../errors.ts';
import type { Provider, Store } from '../../../providers/provider.ts';
import type { ImportPlan } from './plan.ts';
import { chunks } from '../../../providers/chunks.ts';

/** What was written, name by name, so a failure can say exactly what is done and what is not. */
export interface ImportResult {
  created: string[];
  updated: string[];
  deleted: string[];
  /** Names whose request failed without an answer (a timeout): they may or may not have been written. */
  unknown: string[];
  /** Names not written because the import stopped first. */
  pending: string[];
  error: unknown;
  /** Stopped by Ctrl-C, after the request in flight had its answer. */
  interrupted: boolean;
}

export interface ApplyOptions {
  /** Scopes for new secrets. */
  scopes: string[];
  /** Called after each request with the number of secrets handled so far. */
  onProgress?: (done: number) => void;
  /** Aborted by Ctrl-C: no request starts after it. */
  signal?: AbortSignal;
}

/**
 * Refuses, before any write, an import the account's quota cannot hold. Returns whether the deletions of --prune
 * must come first to make room.
 */
export async function checkQuota(provider: Provider, plan: ImportPlan): Promise<boolean> {
  if (!provider.capabilities.quota || plan.create.length === 0) return false;
  const { usage, quota } = await provider.quota();
  if (quota === undefined || usage + plan.create.length <= quota) return false;
  if (usage + plan.create.length - plan.remove.length <= quota) return true;
  throw new SstoreError(
    'quota',
    `the import creates ${plan.create.length} secrets, and the account has ${usage} of ${quota} in use (room for ${Math.max(0, quota - usage)}); nothing was written`,
    { reason: 'quota_exceeded', hint: 'delete secrets first (or import with --prune), or raise the quota' },
  );
}

/**
 * Writes a plan: creates in batches of the provider's maxBatch (one array request each, all or nothing on the
 * server), patches existing names one by one, deletes in bulk. Stops at the first failure, or when the signal is
 * aborted (after the request in flight, so that what it did is known), and reports by name what was written and
 * what was not; never throws.
 */
export async function applyPlan(provider: Provider, store: Store, plan: ImportPlan, options: ApplyOptions & { deleteFirst: boolean }): Promise<ImportResult> {
  const result: ImportResult = { created: [], updated: [], deleted: [], unknown: [], pending: [], error: undefined, interrupted: false };
  const batch = Math.max(1, provider.capabilities.maxBatch);
  type Step = { names: string[]; run: () => Promise<void>; into: string[] };
  const creates: Step[] = chunks(plan.create, batch).map((group) => ({
    names: group.map((e) => e.name),
    into: result.created,
    run: async () => void (await provider.createSecrets(store.id, group.map((e) => ({ name: e.name, value: e.value, scopes: options.scopes })))),
  }));
  const updates: Step[] = plan.update.map((entry) => ({
    names: [entry.name],
    into: result.updated,
    run: async () => void (await provider.patchSecret(store.id, entry.id, { value: entry.value })),
  }));
  const deletes: Step[] = chunks(plan.remove, batch).map((group) => ({
    names: group.map((s) => s.name),
    into: result.deleted,
    run: () => provider.deleteSecrets(store.id, group.map((s) => s.id)),
  }));
  const steps = options.deleteFirst ? [...deletes, ...creates, ...updates] : [...creates, ...updates, ...deletes];
  let done = 0;
  for (const [index, step] of steps.entries()) {
    if (options.signal?.aborted === true) {
      result.interrupted = true;
      for (const later of steps.slice(index)) result.pending.push(...later.names);
      return result;
    }
    try {
      await step.run();
    } catch (error) {
      result.error = error;
      // A refusal (4xx) wrote nothing; a timeout or a server error may have come after the write.
      const answered = error instanceof SstoreError && error.status !== undefined && error.status < 500;
      (answered ? result.pending : result.unknown).push(...step.names);
      for (const later of steps.slice(index + 1)) result.pending.push(...later.names);
      return result;
    }
    step.into.push(...step.names);
    done += step.names.length;
    options.onProgress?.(done);
  }
  return result;
}
