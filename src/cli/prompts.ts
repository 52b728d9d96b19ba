import { SstoreError } from '../errors.ts';
import type { IO } from './io.ts';

/**
 * Every question sstore asks, through @inquirer/prompts (loaded only here). Prompts write to stderr so stdout stays
 * clean for `--json` and pipes. Callers check `io.canPrompt` first: never a prompt without a TTY or under CI.
 */
function guard(io: IO): void {
  if (!io.canPrompt) throw new SstoreError('usage', 'cannot prompt: no terminal (or CI is set)', { reason: 'no_tty' });
}

const context = (io: IO) => ({ input: io.stdin, output: io.stderr, clearPromptOnDone: false });

/**
 * Hidden input: nothing is echoed, not even a mask. `toggleMask: false` removes the prompt's own offer to show the
 * value (a `ctrl+t toggle visibility` hint, and Ctrl-T revealing it on screen), where anyone behind the user could
 * read it.
 */
export async function askHidden(io: IO, message: string): Promise<string> {
  guard(io);
  const { password } = await import('@inquirer/prompts');
  return password({ message, toggleMask: false }, context(io));
}

export async function confirm(io: IO, message: string): Promise<boolean> {
  guard(io);
  const prompts = await import('@inquirer/prompts');
  return prompts.confirm({ message, default: false }, context(io));
}

export async function choose<T>(io: IO, message: string, choices: { name: string; value: T; description?: string }[]): Promise<T> {
  guard(io);
  const { select } = await import('@inquirer/prompts');
  return select<T>({ message, choices }, context(io));
}

/** Destructive commands: a confirmation on a terminal, `--yes` otherwise. */
export async function confirmDestructive(io: IO, yes: boolean, message: string): Promise<void> {
  if (yes) return;
  if (!io.canPrompt) {
    throw new SstoreError('usage', 'this deletes data: pass --yes to confirm (no terminal to ask on)', { reason: 'confirmation_required' });
  }
  // Answering no ends like Ctrl-C at the question: exit 130, nothing changed.
  if (!(await confirm(io, message))) throw new SstoreError('cancelled', 'cancelled; nothing was changed', { reason: 'cancelled' });
}
