import type { Command, CommanderError } from 'commander';
import { SstoreError } from '../errors.ts';

/**
 * What sstore says when a command line is not what it expects: an unknown command (with the commands a synonym or a
 * typo points at), `help A B` (the help of `A B`), a command's flag given before the command, and `--json` on a
 * command that has no JSON to print.
 */

/** Words people type for a command, and the command names they may mean (each group keeps those it has). */
const SYNONYMS: Record<string, readonly string[]> = {
  set: ['put', 'patch'],
  create: ['put', 'add'],
  add: ['put'],
  new: ['put', 'add', 'create'],
  update: ['patch', 'put'],
  edit: ['patch'],
  show: ['get'],
  view: ['get'],
  read: ['get'],
  cat: ['get'],
  copy: ['dup'],
  cp: ['dup'],
  clone: ['dup'],
  remove: ['rm', 'delete'],
  delete: ['rm', 'delete'],
  del: ['rm', 'delete'],
  unset: ['rm'],
  ls: ['list'],
  version: ['--version'],
  versions: ['history'],
  log: ['history', 'audit'],
  revert: ['rollback'],
  restore: ['rollback'],
  undo: ['rollback'],
};

/** Commands that print no data, or their own format: `--json` is refused there, with what to use instead. */
const NO_JSON: Record<string, string> = {
  run: 'the command prints what it prints',
  export: 'use --format json',
  login: 'it prints no data',
  logout: 'it prints no data',
  'profile use': 'it prints no data',
  'profile rm': 'it prints no data',
  completion: 'it prints a shell script',
  'server start': 'it prints a server log',
  'server token revoke': 'it prints no data',
};

function path(command: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}

function visible(command: Command): Command[] {
  return command.createHelp().visibleCommands(command).filter((c) => c.name() !== 'help');
}

function findSub(command: Command, word: string): Command | undefined {
  return command.commands.find((c) => c.name() === word || c.aliases().includes(word));
}

/** Optimal string alignment distance: typos of one or two keys (`lsit`, `sercets`). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The full commands (`sstore secrets put`) an unknown word under `command` may mean, best first. */
export function suggestionsFor(command: Command, word: string): string[] {
  const prefix = ['sstore', ...path(command)].join(' ');
  const found: string[] = [];
  const add = (text: string) => void (found.includes(text) || found.push(text));
  for (const meant of SYNONYMS[word.toLowerCase()] ?? []) {
    if (meant.startsWith('-')) add(`${prefix} ${meant}`);
    const sub = findSub(command, meant);
    if (sub) add(`${prefix} ${sub.name()}`);
  }
  // A synonym says what was meant; only a word that is none is taken for a typo.
  if (found.length === 0) {
    for (const sub of visible(command)) {
      if ([sub.name(), ...sub.aliases()].some((name) => distance(word, name) <= Math.max(1, Math.floor(name.length / 3)))) add(`${prefix} ${sub.name()}`);
    }
  }
  // `sstore put`: the verb of a group, given without its group.
  if (found.length === 0 && !command.parent) {
    for (const group of visible(command)) {
      for (const meant of [word, ...(SYNONYMS[word.toLowerCase()] ?? [])]) {
        const sub = findSub(group, meant);
        if (sub && group.commands.length > 0) add(`${prefix} ${group.name()} ${sub.name()}`);
      }
    }
  }
  return found;
}

function unknownCommand(command: Command, word: string): SstoreError {
  const suggestions = suggestionsFor(command, word);
  const where = ['sstore', ...path(command)].join(' ');
  const quoted = suggestions.map((s) => `\`${s}\``);
  return new SstoreError('usage', `unknown command '${[...path(command), word].join(' ')}'`, {
    reason: 'unknown_command',
    hint:
      quoted.length > 0
        ? `did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`
        : `the commands: ${visible(command).map((c) => c.name()).join(', ')} (\`${where} --help\`)`,
  });
}

/** Every group answers an unknown word with suggestions (commander's own would know no synonyms). */
export function explainUnknownCommands(program: Command): void {
  const walk = (command: Command) => {
    if (command.commands.length === 0) return;
    command.on('command:*', (operands: string[]) => {
      throw unknownCommand(command, operands[0] ?? '');
    });
    for (const sub of command.commands) walk(sub);
  };
  walk(program);
}

/** Refuses `--json` where a command has no JSON to print. */
export function refuseJsonWhereNone(program: Command): void {
  program.hook('preAction', (_program, action) => {
    if (action.optsWithGlobals<{ json?: boolean }>().json !== true) return;
    const name = path(action).join(' ');
    const why = NO_JSON[name];
    if (why !== undefined) throw new SstoreError('usage', `--json does not apply to \`sstore ${name}\`: ${why}`, { reason: 'json_unsupported' });
  });
}

/** The words of `sstore help A B …` as `A B … --help`, so that help shows the named command's help. */
export function helpArgs(args: readonly string[], program: Command, valueOptions: ReadonlySet<string>): string[] {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-') && args[i] !== '--') i += valueOptions.has(args[i]!) ? 2 : 1;
  if (args[i] !== 'help' || i + 1 >= args.length) return [...args];
  const words: string[] = [];
  let command = program;
  for (const word of args.slice(i + 1)) {
    const sub = findSub(command, word);
    if (!sub) break;
    words.push(word);
    command = sub;
  }
  return words.length === 0 ? [...args] : [...args.slice(0, i), ...words, '--help'];
}

/**
 * For commander's "unknown option" error: when the flag belongs to the command the line names further on
 * (`sstore --store x secrets list`), the line to type instead.
 */
export function misplacedFlagHint(error: CommanderError, args: readonly string[], program: Command): string | undefined {
  if (error.code !== 'commander.unknownOption') return undefined;
  const flag = /'([^']+)'/.exec(error.message)?.[1];
  if (flag === undefined) return undefined;
  const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
  let command = program;
  const words: string[] = [];
  for (const arg of args) {
    const sub = arg.startsWith('-') ? undefined : findSub(command, arg);
    if (sub) {
      command = sub;
      words.push(sub.name());
    }
  }
  const option = command.options.find((o) => o.long === name || o.short === name);
  if (!option || command === program) return undefined;
  const at = args.indexOf(flag);
  const value = inline === undefined && (option.required || option.optional) && at >= 0 ? args[at + 1] : undefined;
  const moved = args.filter((arg, i) => i !== at && !(value !== undefined && i === at + 1));
  const typed = [...moved, inline === undefined ? name : `${name}=${inline}`, ...(value !== undefined ? [value] : [])];
  return `${name} is an option of \`sstore ${words.join(' ')}\`: give it after the command, e.g. sstore ${typed.map(quoteIfNeeded).join(' ')}`;
}

function quoteIfNeeded(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
