import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../../completion/generate.ts';
import { exampleSection } from '../context.ts';

/** `sstore completion bash|zsh|fish`: prints the completion script (the same files ship in completions/). */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      exampleSection(
        "echo 'source <(sstore completion bash)' >> ~/.bashrc",
        'mkdir -p ~/.zfunc && sstore completion zsh > ~/.zfunc/_sstore     # ~/.zfunc on $fpath, before compinit',
        'mkdir -p ~/.config/fish/completions && sstore completion fish > ~/.config/fish/completions/sstore.fish',
      ),
    )
    .action((shell: Shell) => {
      process.stdout.write(completionScript(shell, program));
    });
}
