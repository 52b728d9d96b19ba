import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff of a file's old and new text (jsdiff, 3 lines of context), for showing what a command will change in
 * a file before it writes it. Headed `--- FILE` / `+++ FILE` as `git diff` shows it: jsdiff's `Index:` and `===`
 * lines are cut.
 */
export function unifiedDiff(before: string, after: string, label: string): string {
  const patch = createTwoFilesPatch(label, label, before, after, undefined, undefined, { context: 3 });
  return patch.slice(patch.indexOf('--- ')).trimEnd();
}
