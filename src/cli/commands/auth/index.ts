import type { Command } from 'commander';
import { registerLogin } from './login.ts';
import { registerLogout } from './logout.ts';

/** `login` and `logout` are top-level commands: this folder groups their files, not a command. */
export function registerAuth(program: Command): void {
  registerLogin(program);
  registerLogout(program);
}
