import { join } from 'node:path';
import type { Command } from 'commander';
import { completeWords, formatCompletion } from '../../completion/candidates.ts';
import { createNameResolver, type NameSource } from '../../completion/names.ts';
import { cacheDir } from '../../config/paths.ts';

export interface CompleteSetup {
  /** Lists store and secret names; plugged in once the provider layer exists. */
  names?: NameSource;
}

/**
 * `sstore __complete <shell> -- <words...>`: the hidden command the completion scripts call on each TAB. It never
 * prompts, never prints an error, always exits 0, and finishes within the name resolver's deadline.
 */
export function registerComplete(program: Command, setup: CompleteSetup = {}): void {
  program
    .command('__complete', { hidden: true })
    .argument('[shell]')
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .action(async (shell: string | undefined, words: string[]) => {
      let text = ':default\n';
      try {
        const names = setup.names && createNameResolver(setup.names, { dir: join(cacheDir(), 'completion') });
        text = formatCompletion(await completeWords(program, words.length > 0 ? words : [''], names), shell ?? 'bash');
      } catch {
        // Completion must never get in the way: print no candidates rather than an error.
      }
      // Exit now: a name source still waiting on the network must not hold the shell past the deadline.
      process.stdout.write(text, () => process.exit(0));
    });
}
