import { isSstoreError, SstoreError } from '../errors.ts';

/**
 * Deletes one by one where the API has no bulk delete (SGP, Neostore): not atomic, so every item is tried and every
 * failure is reported in one error (its kind when they all agree), naming what was and was not deleted.
 */
export async function deleteEach(ids: string[], remove: (id: string) => Promise<void>, label: (id: string) => string = (id) => id): Promise<void> {
  const failures: { id: string; error: SstoreError }[] = [];
  for (const id of ids) {
    try {
      await remove(id);
    } catch (error) {
      if (!isSstoreError(error)) throw error;
      failures.push({ id, error });
    }
  }
  if (failures.length === 0) return;
  if (ids.length === 1) throw failures[0]!.error;
  const kinds = new Set(failures.map((f) => f.error.kind));
  const kind = kinds.size === 1 ? failures[0]!.error.kind : 'internal';
  const listed = failures.map((f) => `${label(f.id)} (${f.error.message})`).join('; ');
  throw new SstoreError(kind, `deleted ${ids.length - failures.length} of ${ids.length} secrets; not deleted: ${listed}`, {
    reason: 'partial_delete',
    details: failures.map((f) => ({ message: `${label(f.id)}: ${f.error.message}` })),
  });
}
