import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { completeWords, formatCompletion } from '../../completion/candidates.ts';
import { completeWith } from '../../completion/kinds.ts';
import type { NameSource } from '../../completion/names.ts';
import { cacheDir, configDir, dataDir } from '../../config/paths.ts';

export interface CompleteSetup {
  /** Lists store and secret names (src/cli/completion-names.ts, loaded only when the cache cannot answer). */
  names?: NameSource;
}

/**
 * What the answers depend on besides the command line: the profile selection (environment and config file) and the
 * embedded store's place. A different profile or server never gets another one's cached names.
 */
export function completionScope(env: NodeJS.ProcessEnv): string {
  let config = '';
  try {
    config = readFileSync(join(configDir(env), 'config.json'), 'utf8');
  } catch {
    // no profiles yet
  }
  return JSON.stringify([env.SSTORE_PROFILE, env.SSTORE_API_URL, env.CLOUDFLARE_ACCOUNT_ID, configDir(env), dataDir(env), config]);
}

/** `SSTORE_COMPLETION_DEADLINE_MS` lengthens the 300 ms deadline for a slow network (or a slow test machine). */
function deadline(env: NodeJS.ProcessEnv, fallback: number): number {
  const n = Number(env.SSTORE_COMPLETION_DEADLINE_MS);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * The `<name-or-id>` argument of every `secrets` subcommand (get, patch, dup, rm) completes live secret names. Marked
 * here, from the tree, so the secrets commands need no completion code of their own.
 */
function markSecretArguments(program: Command): void {
  const secrets = program.commands.find((c) => c.name() === 'secrets');
  for (const sub of secrets?.commands ?? []) {
    const first = sub.registeredArguments[0];
    if (first?.name() === 'name-or-id') completeWith(first, 'secret');
  }
}

/**
 * `sstore __complete <shell> -- <words...>`: the hidden command the completion scripts call on each TAB. It never
 * prompts, never prints an error, always exits 0, and finishes within the name resolver's deadline.
 */
export function registerComplete(program: Command, setup: CompleteSetup = {}): void {
  markSecretArguments(program);
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
        const env = process.env;
        // Loaded here, not at the top: its node:crypto would otherwise load for every `--help`.
        const { createNameResolver, DEFAULT_DEADLINE_MS } = await import('../../completion/names.ts');
        const names =
          setup.names &&
          createNameResolver(setup.names, { dir: join(cacheDir(env), 'completion'), scope: completionScope(env), deadlineMs: deadline(env, DEFAULT_DEADLINE_MS) });
        text = formatCompletion(await completeWords(program, words.length > 0 ? words : [''], names), shell ?? 'bash');
      } catch {
        // Completion must never get in the way: print no candidates rather than an error.
      }
      // Exit now: a name source still waiting on the network must not hold the shell past the deadline.
      process.stdout.write(text, () => process.exit(0));
    });
}
