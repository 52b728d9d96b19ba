import type { Command } from 'commander';
import { SstoreError } from '../errors.ts';
import { VALUE_SOURCES_HINT } from '../providers/name-problem.ts';

/**
 * Commander's own "too many arguments" error lists every argument it received, so `sstore secrets put DB_PASSWORD
 * s3cr3t` would print the value. Every command instead takes excess arguments and this one check refuses them,
 * naming counts and positions only. Commands that read a secret (a value, a token) say where it is read from.
 */
const hints = new WeakMap<Command, string>();

/** The hint shown when this command gets more arguments than it takes: where its secret input comes from. */
export function secretInputHint(command: Command, hint: string = VALUE_SOURCES_HINT): void {
  hints.set(command, hint);
}

function path(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function check(command: Command): void {
  const declared = command.registeredArguments;
  if (declared.at(-1)?.variadic === true) return;
  const given = command.args.length;
  if (given <= declared.length) return;
  const takes = declared.length === 0 ? 'no arguments' : `${declared.length} (${declared.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ')})`;
  const extra = given - declared.length === 1 ? `argument ${given} is not shown, as it may be a secret` : `arguments ${declared.length + 1}–${given} are not shown, as they may be secrets`;
  throw new SstoreError('usage', `too many arguments: sstore ${path(command)} takes ${takes} and got ${given}; ${extra}`, {
    reason: 'excess_arguments',
    hint: hints.get(command) ?? `sstore ${path(command)} --help`,
  });
}

/** Installs the check on every command of the tree (call once, after every command is registered). */
export function guardExcessArguments(program: Command): void {
  const visit = (command: Command): void => {
    command.allowExcessArguments(true);
    command.commands.forEach(visit);
  };
  visit(program);
  program.hook('preAction', (_program, actionCommand) => check(actionCommand));
}
