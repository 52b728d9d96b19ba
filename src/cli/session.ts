import { dataDir } from '../config/paths.ts';
import { findToken, tokenVariables } from '../config/credentials.ts';
import { resolveProfile, type ResolvedProfile } from '../config/profiles.ts';
import { SstoreError } from '../errors.ts';
import { createHttpClient } from '../http/client.ts';
import { IN_PROCESS_ORIGIN, LOCAL_ACCOUNT_ID, inProcessTransport } from '../http/in-process.ts';
import { accountLabel } from '../providers/descriptor.ts';
import type { Provider, Store } from '../providers/provider.ts';
import { descriptorOf } from '../providers/registry.ts';
import { resolveStore } from '../providers/resolve.ts';
import type { Context } from './context.ts';

/** A command's connection: the profile in effect and its provider over the right transport. */
export interface Session {
  profile: ResolvedProfile;
  provider: Provider;
  /** The embedded store, in-process. */
  local: boolean;
}

function checkUrl(url: string, profile: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SstoreError('usage', `the URL of profile "${profile}" is not a URL: ${url}`, { reason: 'url_invalid' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new SstoreError('usage', `the URL of profile "${profile}" must be http or https`, { reason: 'url_invalid' });
  }
}

export interface OpenOptions {
  /** `login`: a token to try instead of the stored one. */
  token?: string;
  /** `sync --from/--to`: this profile instead of the one --profile and the environment choose. */
  profile?: string;
}

export async function openSession(ctx: Context, options: OpenOptions = {}): Promise<Session> {
  const { io, globals } = ctx;
  const profile = await resolveProfile(io.env, options.profile ?? globals.profile);
  const log = globals.verbose ? (line: string) => io.err(`sstore: ${line}`) : undefined;
  const descriptor = descriptorOf(profile.provider);
  if (profile.local) {
    // `local` and every --local profile: the embedded store in this process, each profile in its own account.
    const account = profile.account ?? LOCAL_ACCOUNT_ID;
    const dir = dataDir(io.env);
    const transport = inProcessTransport({
      dataDir: dir,
      env: io.env,
      onKeyCreated: (key) => io.err(`sstore: created the embedded store in ${dir}; its master key is in ${key.where}`),
    });
    const http = createHttpClient({
      baseUrl: `${IN_PROCESS_ORIGIN}${descriptor.root}`,
      fetch: transport.fetch,
      headers: descriptor.headers(undefined, account),
      errorFor: descriptor.errorFor,
      timeoutMs: globals.timeoutMs,
      ...(log && { log }),
    });
    return { profile, provider: descriptor.connect({ http, account, close: transport.close }), local: true };
  }
  const url = profile.url ?? descriptor.defaultUrl;
  checkUrl(url, profile.name);
  if (!profile.account) {
    throw new SstoreError('usage', `profile "${profile.name}" has no ${accountLabel(descriptor)} id`, {
      reason: 'account_missing',
      hint: `set ${descriptor.env.account}, or \`sstore profile add NAME --provider ${profile.provider} --account ID\``,
    });
  }
  const token = options.token ?? (await findToken(io.env, profile.name, profile.provider))?.token;
  if (!token) {
    throw new SstoreError('auth', `no API token for profile "${profile.name}"`, {
      reason: 'token_missing',
      hint: `run \`sstore login --profile ${profile.name}\`, or set ${tokenVariables(profile.provider).join(' or ')}`,
    });
  }
  const http = createHttpClient({
    baseUrl: url,
    headers: descriptor.headers(token, profile.account),
    errorFor: descriptor.errorFor,
    timeoutMs: globals.timeoutMs,
    ...(log && { log }),
  });
  return { profile, provider: descriptor.connect({ http, account: profile.account }), local: false };
}

/** Runs work with a session and always releases it (the embedded store's database). */
export async function withSession<T>(ctx: Context, work: (session: Session) => Promise<T>, options: OpenOptions = {}): Promise<T> {
  const session = await openSession(ctx, options);
  try {
    return await work(session);
  } finally {
    await session.provider.close();
  }
}

/**
 * `--store`, else the profile's store (SSTORE_STORE replaces it), else the only store, else a prompt on a terminal or
 * an error naming --store.
 */
export async function selectStore(ctx: Context, session: Session, flag: string | undefined): Promise<Store> {
  const { profile } = session;
  const ref = flag ?? profile.store;
  const fromEnv = profile.overridden.some((field) => field.startsWith('store '));
  return resolveStore(session.provider, {
    ref,
    from: flag !== undefined ? 'flag' : ref === undefined ? undefined : fromEnv ? 'SSTORE_STORE' : 'profile',
    ...(profile.selectedBy !== 'environment' && { profile: profile.name }),
    createDefault: session.local,
    ...(ctx.io.canPrompt && {
      pick: async (stores: Store[]) => {
        const { choose } = await import('./prompts.ts');
        return choose(ctx.io, 'Which store? (pass --store to skip this question)', stores.map((s) => ({ name: s.name, value: s, description: s.id })));
      },
    }),
  });
}
