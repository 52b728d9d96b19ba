import { Argument, type Command } from 'commander';
import { completeWith } from '../../../completion/kinds.ts';
import { contextFor, examples } from '../../context.ts';

export function registerProfileRm(profile: Command): void {
  const rm = profile.command('rm').alias('remove').description('Remove a profile and its stored token').addArgument(completeWith(new Argument('<name>'), 'profile'));
  examples(rm, 'sstore profile rm old');
  rm.action(async (name: string, _options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ removeProfile }, { deleteToken }, { say }] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../config/credentials.ts'),
      import('../../output.ts'),
    ]);
    await removeProfile(ctx.io.env, name);
    const hadToken = await deleteToken(ctx.io.env, name);
    say(ctx, `removed profile ${name}${hadToken ? ' and its token' : ''}`);
  });
}
