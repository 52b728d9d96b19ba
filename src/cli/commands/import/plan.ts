import { isSstoreError } from '../../../errors.ts';
import type { ParseResult, Problem } from '../../../formats/types.ts';
import type { Provider } from '../../../providers/provider.ts';
import { valueProblem, type PlanEntry } from '../../writes/plan.ts';

/** A line of the file, as the plan carries it (the plan itself is `src/cli/writes/plan.ts`, shared with sync). */
export interface FileEntry extends PlanEntry {
  line: number;
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
