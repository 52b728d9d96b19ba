import type { Command } from 'commander';
import { contextFor, examples, type Context } from '../../context.ts';
import { secretInputHint } from '../../excess-arguments.ts';

async function readToken(ctx: Context): Promise<string> {
  const { SstoreError } = await import('../../../errors.ts');
  let token: string;
  if (!ctx.io.stdinIsTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.io.stdin) chunks.push(chunk as Buffer);
    token = Buffer.concat(chunks).toString('utf8').trim();
  } else if (ctx.io.canPrompt) {
    const { askHidden } = await import('../../prompts.ts');
    token = (await askHidden(ctx.io, 'API token:')).trim();
  } else {
    throw new SstoreError('usage', 'no token: pipe it on stdin (no prompt under CI)', { reason: 'token_missing' });
  }
  if (token === '') throw new SstoreError('usage', 'the token is empty', { reason: 'token_missing' });
  if (/\s/.test(token)) throw new SstoreError('usage', 'the token contains whitespace', { reason: 'token_invalid' });
  return token;
}

export function registerLogin(program: Command): void {
  const login = program
    .command('login')
    .description("Store an API token for a profile in the OS keychain (or a 0600 file where there is none), after checking it with one request");
  secretInputHint(login, 'the token is read from a hidden prompt or standard input, never from an argument');
  examples(
    login,
    'sstore login --profile prod                      # hidden prompt',
    'printf %s "$CF_TOKEN" | sstore login --profile prod',
    '# CI needs no login: CLOUDFLARE_API_TOKEN + CLOUDFLARE_ACCOUNT_ID, SGP_API_KEY + SGP_ACCOUNT_ID, or NEOSTORE_API_KEY + NEOSTORE_TENANT_ID',
  );
  login.action(async (_options: object, cmd: Command) => {
    const ctx = contextFor(cmd);
    const [{ resolveProfile }, { saveToken, tokenVariables }, { openSession }, { say }, { SstoreError }] = await Promise.all([
      import('../../../config/profiles.ts'),
      import('../../../config/credentials.ts'),
      import('../../session.ts'),
      import('../../output.ts'),
      import('../../../errors.ts'),
    ]);
    const profile = await resolveProfile(ctx.io.env, ctx.globals.profile);
    if (profile.local) {
      throw new SstoreError('usage', `profile ${profile.name} is the embedded store: it needs no login`, {
        reason: 'login_local',
        hint: 'pick a profile: sstore login --profile NAME (add one with `sstore profile add`)',
      });
    }
    const token = await readToken(ctx);
    const session = await openSession(ctx, { token });
    try {
      await session.provider.verifyCredentials();
    } finally {
      await session.provider.close();
    }
    const saved = await saveToken(ctx.io.env, profile.name, token);
    if (saved.where === 'file') ctx.io.err(`sstore: no usable OS keychain; the token is in ${saved.path} (readable only by you)`);
    say(ctx, `logged in: profile ${profile.name}, token checked and stored in the ${saved.where === 'keychain' ? 'OS keychain' : 'credentials file'}`);
    for (const name of tokenVariables(profile.provider)) {
      if (ctx.io.env[name]) ctx.io.err(`sstore: note: ${name} is set and takes precedence over the stored token`);
    }
  });
}
