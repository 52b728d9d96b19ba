import type { Argument, Command, Option } from 'commander';
import { valueKind } from './kinds.ts';
import type { NameResolver } from './names.ts';

export interface Candidate {
  value: string;
  description?: string;
}

/** What the shell should add to the candidates: nothing, file paths or folder paths. */
export type Directive = 'default' | 'files' | 'dirs';

export interface Completion {
  candidates: Candidate[];
  directive: Directive;
}

const NONE: Completion = { candidates: [], directive: 'default' };

/**
 * The candidates for the last word of a command line. `words` are the words after the program name, the last one
 * being the word under the cursor (possibly empty). Subcommands, options and `.choices()` come from the commander
 * tree itself, so a new command or flag completes without any change to the shell scripts; names of stores,
 * secrets and the like come from `names` (absent until a provider can list them).
 */
export async function completeWords(program: Command, words: readonly string[], names?: NameResolver): Promise<Completion> {
  const current = words.at(-1) ?? '';
  let command = program;
  const path: string[] = [];
  const options: Record<string, string> = {};
  let expecting: Option | undefined;
  let positional = 0;
  let afterDashDash = false;

  for (const word of words.slice(0, -1)) {
    if (expecting) {
      // bash splits `--opt=value` into `--opt`, `=`, `value`.
      if (word === '=') continue;
      options[expecting.attributeName()] = word;
      expecting = undefined;
    } else if (afterDashDash) {
      positional++;
    } else if (word === '--') {
      afterDashDash = true;
    } else if (word.startsWith('-') && word.length > 1) {
      const [flag, inline] = splitInline(word);
      const option = findOption(command, flag);
      if (option && takesValue(option)) {
        if (inline === undefined) expecting = option;
        else options[option.attributeName()] = inline;
      }
    } else {
      const sub = positional === 0 ? findCommand(command, word) : undefined;
      if (sub) {
        command = sub;
        path.push(sub.name());
      } else {
        positional++;
      }
    }
  }

  const valuesFor = async (target: Option | Argument, prefix: string, insertBefore = ''): Promise<Completion> => {
    const kind = valueKind(target);
    if (target.argChoices) return filtered(target.argChoices.map((value) => ({ value })), prefix, insertBefore);
    if (kind === 'file') return { candidates: [], directive: 'files' };
    if (kind === 'dir') return { candidates: [], directive: 'dirs' };
    if (kind === undefined || names === undefined) return NONE;
    const found = await names({ kind, command: path, options });
    return filtered(found, prefix, insertBefore);
  };

  if (expecting) return valuesFor(expecting, current === '=' ? '' : current);
  if (afterDashDash) return { candidates: [], directive: 'files' };
  if (current.startsWith('--') && current.includes('=')) {
    const [flag, inline = ''] = splitInline(current);
    const option = findOption(command, flag);
    return option && takesValue(option) ? valuesFor(option, inline, `${flag}=`) : NONE;
  }
  if (current.startsWith('-')) return filtered(optionCandidates(command), current);

  const subcommands = visibleCommands(command);
  if (subcommands.length > 0 && positional === 0) {
    return filtered(subcommands.map((sub) => ({ value: sub.name(), description: sub.description() })), current);
  }
  const declared = command.registeredArguments;
  const last = declared.at(-1);
  const argument = declared[positional] ?? (last?.variadic ? last : undefined);
  return argument ? valuesFor(argument, current) : NONE;
}

/** The completion protocol: one candidate per line (`value<TAB>description` for zsh and fish), then `:directive`. */
export function formatCompletion(completion: Completion, shell: string): string {
  const withDescriptions = shell === 'zsh' || shell === 'fish';
  const lines = completion.candidates
    .filter((c) => c.value !== '' && !/[\n\r]/.test(c.value))
    .map((c) => (withDescriptions && c.description ? `${c.value.replace(/\t/g, ' ')}\t${oneLine(c.description)}` : c.value.replace(/\t/g, ' ')));
  return `${[...lines, `:${completion.directive}`].join('\n')}\n`;
}

function filtered(candidates: readonly Candidate[], prefix: string, insertBefore = ''): Completion {
  return {
    candidates: candidates.filter((c) => c.value.startsWith(prefix)).map((c) => ({ ...c, value: insertBefore + c.value })),
    directive: 'default',
  };
}

function splitInline(word: string): [string, string | undefined] {
  const eq = word.indexOf('=');
  return eq > 0 && word.startsWith('--') ? [word.slice(0, eq), word.slice(eq + 1)] : [word, undefined];
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** The command and its ancestors, nearest first: program options are accepted after subcommands too. */
function lineage(command: Command): Command[] {
  const chain: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) chain.push(c);
  return chain;
}

function findOption(command: Command, flag: string): Option | undefined {
  for (const c of lineage(command)) {
    const option = c.options.find((o) => o.long === flag || o.short === flag);
    if (option) return option;
  }
  return undefined;
}

function optionCandidates(command: Command): Candidate[] {
  const seen = new Set<string>();
  const list: Candidate[] = [];
  for (const c of lineage(command)) {
    for (const option of c.createHelp().visibleOptions(c)) {
      const flag = option.long ?? option.short;
      if (flag === undefined || seen.has(flag)) continue;
      seen.add(flag);
      list.push({ value: flag, description: option.description });
    }
  }
  return list;
}

function visibleCommands(command: Command): Command[] {
  return command.createHelp().visibleCommands(command);
}

function findCommand(command: Command, word: string): Command | undefined {
  return visibleCommands(command).find((sub) => sub.name() === word || sub.aliases().includes(word)) ?? command.commands.find((sub) => sub.name() === word);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
