import type { Command } from 'commander';
import { registerProfileAdd } from './add.ts';
import { registerProfileList } from './list.ts';
import { registerProfileRm } from './rm.ts';
import { registerProfileSet } from './set.ts';
import { registerProfileShow } from './show.ts';
import { registerProfileUse } from './use.ts';

export function registerProfile(program: Command): void {
  const profile = program.command('profile').alias('profiles').description('Manage profiles: which API, account and default store to use');
  registerProfileAdd(profile);
  registerProfileSet(profile);
  registerProfileList(profile);
  registerProfileUse(profile);
  registerProfileShow(profile);
  registerProfileRm(profile);
}
