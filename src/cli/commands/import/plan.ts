import { isSstoreError } from '../../../errors.ts';
import type { ParseResult, Problem } from '../../../formats/types.ts';
import type { Provider, Secret, Store } from '../../../providers/provider.ts';
import { MAX_VALUE_BYTES } from '../../value-input.ts';

export interface FileEntry {
  name: string;
  value: string;
  line: number;
}

/** What an import will do, worked out before anything is written. */
export interface ImportPlan {
  /** Names not in the store: created in batches through the array endpoint. */
  create: FileEntry[];
  /** Names already in the store: their value is patched (scopes and comment are left alone). */
  update: Array<FileEntry & { id: string }>;
  /** Names already in the store with the same value (known only where the provider returns values): not written. */
  unchanged: FileEntry[];
  /** With --prune: secrets of the store that the file does not name. */
  remove: Secret[];
}

/**
 * Every problem of the file, parser's and provider's, so all of them are reported at once and before any write:
 * a name the provider would refuse, an empty value (as `put` refuses one), a value over the size limit.
 */
export function checkEntries(parsed: ParseResult, file: string, provider: Provider): Problem[] {
  const problems = [...parsed.problems];
  for (const entry of parsed.entries) {
    const at = (message: string, kind?: 'quota') => problems.push({ file, line: entry.line, message, ...(kind && { kind }) });
    try {
      provider.checkName('secret', entry.name);
    } catch (error) {
      if (!isSstoreError(error)) throw error;
      at(error.message);
      continue;
    }
    const bytes = Buffer.byteLength(entry.value, 'utf8');
    if (bytes === 0) at(`${entry.name}: the value is empty`);
    else if (bytes > MAX_VALUE_BYTES) at(`${entry.name}: the value is ${bytes.toLocaleString('en')} bytes; the limit is ${MAX_VALUE_BYTES.toLocaleString('en')}`, 'quota');
  }
  return problems.sort((a, b) => a.line - b.line);
}

export function planImport(entries: readonly FileEntry[], existing: readonly Secret[], prune: boolean): ImportPlan {
  const byName = new Map<string, Secret>();
  for (const secret of existing) if (!byName.has(secret.name)) byName.set(secret.name, secret);
  const plan: ImportPlan = { create: [], update: [], unchanged: [], remove: [] };
  for (const entry of entries) {
    const found = byName.get(entry.name);
    if (found) plan.update.push({ ...entry, id: found.id });
    else plan.create.push(entry);
  }
  if (prune) {
    const named = new Set(entries.map((e) => e.name));
    plan.remove = existing.filter((s) => !named.has(s.name));
  }
  return plan;
}

/**
 * Moves the updates whose stored value already equals the file's to `unchanged`, where the provider can return
 * values (the embedded store, a local server with a reveal token, Neostore). Elsewhere (Cloudflare itself, SGP, a
 * token without reveal) nothing can be compared, and every existing name stays an update.
 */
export async function findUnchanged(provider: Provider, store: Store, plan: ImportPlan): Promise<void> {
  if (!provider.capabilities.canReveal || plan.update.length === 0) return;
  let stored: Map<string, string>;
  try {
    stored = new Map((await provider.revealSecrets(store.id, plan.update.map((e) => e.id))).map((r) => [r.id, r.value]));
  } catch (error) {
    if (isSstoreError(error) && (error.kind === 'permission' || error.kind === 'unsupported')) return;
    throw error;
  }
  const update: ImportPlan['update'] = [];
  for (const entry of plan.update) {
    if (stored.get(entry.id) === entry.value) plan.unchanged.push({ name: entry.name, value: entry.value, line: entry.line });
    else update.push(entry);
  }
  plan.update = update;
}
