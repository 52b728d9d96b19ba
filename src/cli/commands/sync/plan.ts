import { isSstoreError, SstoreError } from '../../../errors.ts';
import type { Provider, Store } from '../../../providers/provider.ts';
import type { SyncState } from '../../../sync/state.ts';
import { findUnchanged, valueProblem, type PlanEntry, type WritePlan } from '../../writes/plan.ts';

/** One side of a sync: `PROFILE[:STORE]` as typed. */
export interface Endpoint {
  profile: string;
  store: string | undefined;
  /** As typed, for messages. */
  text: string;
}

export function parseEndpoint(flag: '--from' | '--to', text: string): Endpoint {
  const colon = text.indexOf(':');
  const profile = colon === -1 ? text : text.slice(0, colon);
  const store = colon === -1 ? undefined : text.slice(colon + 1);
  if (profile === '' || store === '') {
    throw new SstoreError('usage', `${flag} expects PROFILE or PROFILE:STORE, e.g. local:main`, { reason: 'endpoint_invalid' });
  }
  return { profile, store, text };
}

/**
 * Every secret of the source that the target would refuse (its name rule, an empty or too large value), all reported
 * before any write: the source and the target may be different providers with different rules.
 */
export function checkForTarget(entries: readonly PlanEntry[], target: Provider, where: string): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    try {
      target.checkName('secret', entry.name);
    } catch (error) {
      if (!isSstoreError(error)) throw error;
      problems.push(`${where}: ${error.message}`);
      continue;
    }
    const problem = valueProblem(entry.name, entry.value);
    if (problem) problems.push(`${where}: ${problem.message}`);
  }
  return problems;
}

/**
 * Sorts the plan's updates into update and unchanged, and says why for each name: by reading the target's values
 * back where it can return them, else from what the last sync to this target wrote (the state's digests and the
 * target's modified times).
 */
export async function judgeUpdates(target: Provider, store: Store, plan: WritePlan, state: SyncState): Promise<Map<string, string>> {
  const why = new Map<string, string>();
  for (const entry of plan.create) why.set(entry.name, 'not in the target');
  for (const secret of plan.remove) why.set(secret.name, 'not in the source');
  if (await findUnchanged(target, store, plan)) {
    for (const entry of plan.update) why.set(entry.name, 'the value differs (read back from the target)');
    for (const entry of plan.unchanged) why.set(entry.name, 'same value (read back from the target)');
    return why;
  }
  const update: WritePlan['update'] = [];
  for (const entry of plan.update) {
    const verdict = state.verdict(entry.secret, entry.value);
    why.set(entry.name, verdict.why);
    (verdict.unchanged ? plan.unchanged : update).push(entry);
  }
  plan.update = update;
  return why;
}
