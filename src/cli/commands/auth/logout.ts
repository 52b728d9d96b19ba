import type { Command } from 'commander';
import { contextFor, examples } from '../../context.ts';

export function registerLogout(program: Command): void {
  const logout = program.command('logout').description("Remove a profile's stored token (keychain and file)");
  examples(logout, 'sstore logout --profile prod');
  logout.action(async (_options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ resolveProfile }, { deleteToken }, { say }] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../config/credentials.ts'),
      import('../../output.ts'),
    ]);
    const profile = await resolveProfile(ctx.io.env, ctx.globals.profile);
    const removed = await deleteToken(ctx.io.env, profile.name);
    say(ctx, removed ? `logged out: removed the token of profile ${profile.name}` : `no token was stored for profile ${profile.name}`);
  });
}
