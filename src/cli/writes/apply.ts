import { SstoreError } from '../../errors.ts';
import type { Provider, Secret, Store } from '../../providers/provider.ts';
import { chunks } from '../../providers/chunks.ts';
import type { PlanEntry, WritePlan } from './plan.ts';

/** What was written, name by name, so a failure can say exactly what is done and what is not. */
export interface WriteResult {
  created: string[];
  updated: string[];
  deleted: string[];
  /** Names whose request failed without an answer (a timeout): they may or may not have been written. */
  unknown: string[];
  /** Names not written because the run stopped first. */
  pending: string[];
  error: unknown;
  /** Stopped by Ctrl-C, after the request in flight had its answer. */
  interrupted: boolean;
}

export interface ApplyOptions {
  /** Scopes for new secrets whose entry names none. */
  scopes: string[];
  /** Comments are sent only where the target carries them. */
  comments: boolean;
  /** The deletions of --prune first, to make room (see `checkQuota`). */
  deleteFirst: boolean;
  /** Called after each request with the number of secrets handled so far. */
  onProgress?: (done: number) => void;
  /** Called with the secrets each create or update request wrote, as the target returned them. */
  onWritten?: (secrets: readonly Secret[]) => void;
  /** Aborted by Ctrl-C: no request starts after it. */
  signal?: AbortSignal;
}

/**
 * Refuses, before any write, a plan the account's quota cannot hold (`verb`: the command, for the message). Returns
 * whether the deletions of --prune must come first to make room.
 */
export async function checkQuota(provider: Provider, plan: WritePlan, verb: string): Promise<boolean> {
  if (!provider.capabilities.quota || plan.create.length === 0) return false;
  const { usage, quota } = await provider.quota();
  if (quota === undefined || usage + plan.create.length <= quota) return false;
  if (usage + plan.create.length - plan.remove.length <= quota) return true;
  throw new SstoreError(
    'quota',
    `the ${verb} creates ${plan.create.length} secrets, and the account has ${usage} of ${quota} in use (room for ${Math.max(0, quota - usage)}); nothing was written`,
    { reason: 'quota_exceeded', hint: `delete secrets first (or ${verb} with --prune), or raise the quota` },
  );
}

/**
 * Writes a plan: creates in batches of the provider's maxBatch (one array request each, all or nothing on the
 * server), patches existing names one by one, deletes in bulk. Stops at the first failure, or when the signal is
 * aborted (after the request in flight, so that what it did is known), and reports by name what was written and
 * what was not; never throws.
 */
export async function applyPlan<E extends PlanEntry>(provider: Provider, store: Store, plan: WritePlan<E>, options: ApplyOptions): Promise<WriteResult> {
  const result: WriteResult = { created: [], updated: [], deleted: [], unknown: [], pending: [], error: undefined, interrupted: false };
  const batch = Math.max(1, provider.capabilities.maxBatch);
  const written = (secrets: readonly Secret[]) => options.onWritten?.(secrets);
  type Step = { names: string[]; run: () => Promise<void>; into: string[] };
  const creates: Step[] = chunks(plan.create, batch).map((group) => ({
    names: group.map((e) => e.name),
    into: result.created,
    run: async () => {
      const secrets = group.map((e) => ({
        name: e.name,
        value: e.value,
        scopes: provider.capabilities.scopes ? (e.scopes ?? options.scopes) : [],
        ...(options.comments && e.comment !== undefined && e.comment !== '' && { comment: e.comment }),
      }));
      written(await provider.createSecrets(store.id, secrets));
    },
  }));
  const updates: Step[] = plan.update.map((entry) => ({
    names: [entry.name],
    into: result.updated,
    run: async () => written([await provider.patchSecret(store.id, entry.id, { value: entry.value })]),
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
