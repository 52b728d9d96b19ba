import { Argument, type Command } from 'commander';
import { completeWith } from '../../../completion/kinds.ts';
import { contextFor, examples } from '../../context.ts';

export function registerProfileUse(profile: Command): void {
  const use = profile.command('use').description('Make a profile the default').addArgument(completeWith(new Argument('<name>'), 'profile'));
  examples(use, 'sstore profile use prod', 'sstore profile use local');
  use.action(async (name: string, _options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ useProfile }, { say }] = await Promise.all([import('../../../config/profiles.ts'), import('../../output.ts')]);
    await useProfile(ctx.io.env, name);
    say(ctx, `now using profile ${name}`);
  });
}
