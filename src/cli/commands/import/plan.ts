import { isSstoreError } from '../../../errors.ts';
import type { ParseResult, Problem } from '../../../formats/types.ts';
import type { Provider } from '../../../providers/provider.ts';
import { MAX_VALUE_BYTES } from '../../value-input.ts';
import type { PlanEntry } from '../../writes/plan.ts';

/** A line of the file, as the plan carries it (the plan itself is `src/cli/writes/plan.ts`, shared with sync). */
export interface FileEntry extends PlanEntry {
  line: number;
}

/** What a value must be for `put` (and so for import and sync): not empty, not over the size limit. */
export function valueProblem(name: string, value: string): { message: string; kind?: 'quota' } | undefined {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes === 0) return { message: `${name}: the value is empty` };
  if (bytes > MAX_VALUE_BYTES) return { message: `${name}: the value is ${bytes.toLocaleString('en')} bytes; the limit is ${MAX_VALUE_BYTES.toLocaleString('en')}`, kind: 'quota' };
  return undefined;
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
    const problem = valueProblem(entry.name, entry.value);
    if (problem) at(problem.message, problem.kind);
  }
  return problems.sort((a, b) => a.line - b.line);
}
