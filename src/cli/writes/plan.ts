import { isSstoreError, SstoreError } from '../../errors.ts';
import type { Provider, Secret, Store } from '../../providers/provider.ts';
import { MAX_VALUE_BYTES } from '../value-input.ts';

/**
 * A plan of writes into one store, worked out before anything is written: what `import` and `sync` share. Entries
 * are what a command read (a file's lines, a source store's secrets); existing secrets are the target store's.
 */
export interface PlanEntry {
  name: string;
  value: string;
  /** Scopes for a new secret; the command's default (`workers`) when absent. */
  scopes?: string[];
  /** A comment for a new secret, where the target carries comments. */
  comment?: string;
}

export interface WritePlan<E extends PlanEntry = PlanEntry> {
  /** Names not in the store: created in batches through the array endpoint. */
  create: E[];
  /** Names already in the store: their value is patched (scopes and comment are left alone). */
  update: Array<E & { id: string; secret: Secret }>;
  /** Names already in the store with the same value: not written. */
  unchanged: Array<E & { id: string; secret: Secret }>;
  /** With --prune: secrets of the store that the entries do not name. */
  remove: Secret[];
}

export function planWrites<E extends PlanEntry>(entries: readonly E[], existing: readonly Secret[], prune: boolean): WritePlan<E> {
  const byName = new Map<string, Secret>();
  for (const secret of existing) if (!byName.has(secret.name)) byName.set(secret.name, secret);
  const plan: WritePlan<E> = { create: [], update: [], unchanged: [], remove: [] };
  for (const entry of entries) {
    const found = byName.get(entry.name);
    if (found) plan.update.push({ ...entry, id: found.id, secret: found });
    else plan.create.push(entry);
  }
  if (prune) {
    const named = new Set(entries.map((e) => e.name));
    plan.remove = existing.filter((s) => !named.has(s.name));
  }
  return plan;
}

/**
 * Moves the updates whose stored value already equals the new one to `unchanged`, where the provider can return
 * values (the embedded store, a local server with a reveal token, Neostore). Elsewhere (Cloudflare itself, SGP, a
 * token without reveal) nothing can be compared, every existing name stays an update, and this returns false.
 */
export async function findUnchanged<E extends PlanEntry>(provider: Provider, store: Store, plan: WritePlan<E>): Promise<boolean> {
  if (!provider.capabilities.canReveal) return false;
  if (plan.update.length === 0) return true;
  let stored: Map<string, string>;
  try {
    stored = new Map((await provider.revealSecrets(store.id, plan.update.map((e) => e.id))).map((r) => [r.id, r.value]));
  } catch (error) {
    if (isSstoreError(error) && (error.kind === 'permission' || error.kind === 'unsupported')) return false;
    throw error;
  }
  const update: WritePlan<E>['update'] = [];
  for (const entry of plan.update) (stored.get(entry.id) === entry.value ? plan.unchanged : update).push(entry);
  plan.update = update;
  return true;
}

/** What a value must be for `put` (and so for import and sync): not empty, not over the size limit. */
export function valueProblem(name: string, value: string): { message: string; kind?: 'quota' } | undefined {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes === 0) return { message: `${name}: the value is empty` };
  if (bytes > MAX_VALUE_BYTES) return { message: `${name}: the value is ${bytes.toLocaleString('en')} bytes; the limit is ${MAX_VALUE_BYTES.toLocaleString('en')}`, kind: 'quota' };
  return undefined;
}

export function countSecrets(n: number): string {
  return `${n} ${n === 1 ? 'secret' : 'secrets'}`;
}

/** `2 to create, 1 to update, 3 unchanged, 1 to delete` (the parts that are zero and optional left out). */
export function describePlan(plan: WritePlan): string {
  const unchanged = plan.unchanged.length > 0 ? `, ${plan.unchanged.length} unchanged` : '';
  return `${plan.create.length} to create, ${plan.update.length} to update${unchanged}${plan.remove.length > 0 ? `, ${plan.remove.length} to delete` : ''}`;
}

/**
 * With --prune, entries that name no secret at all would delete every secret of the target: that is done only when
 * asked for in so many words (--allow-empty).
 */
export function refuseEmptying(what: string, target: string, plan: WritePlan, entries: number, verb: string): void {
  if (entries > 0 || plan.remove.length === 0) return;
  throw new SstoreError('usage', `${what} names no secrets, so --prune would delete all ${countSecrets(plan.remove.length)} of ${target}; nothing was changed`, {
    reason: `${verb}_empty_prune`,
    hint: 'pass --allow-empty to empty the store on purpose',
  });
}
