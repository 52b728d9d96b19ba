import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../../completion/generate.ts';

/** `sstore completion bash|zsh|fish`: prints the completion script (the same files ship in completions/). */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  $ source <(sstore completion bash)                               # in ~/.bashrc
  $ sstore completion zsh > "\${fpath[1]}/_sstore"                  # then start a new zsh
  $ sstore completion fish > ~/.config/fish/completions/sstore.fish`,
    )
    .action((shell: Shell) => {
      process.stdout.write(completionScript(shell, program));
    });
}
