import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Candidate } from '../completion/candidates.ts';
import type { NameRequest } from '../completion/names.ts';
import { dataDir } from '../config/paths.ts';
import { listProfiles, LOCAL_PROFILE, resolveProfile } from '../config/profiles.ts';
import { collect } from '../http/pagination.ts';
import { resolveStore } from '../providers/resolve.ts';
import type { Context } from './context.ts';
import { createIO } from './io.ts';
import { openSession } from './session.ts';

/**
 * The live names behind shell completion: profiles, stores and secrets of the profile and store already on the
 * command line (else the usual defaults). It never prompts, never creates anything (not the embedded store, not its
 * `default` store) and leaves errors and time limits to the resolver (src/completion/names.ts).
 */
export async function listNames(request: NameRequest): Promise<Candidate[]> {
  const env = process.env;
  if (request.kind === 'profile') return (await listProfiles(env)).profiles.map((p) => ({ value: p.name, description: p.url ?? 'the embedded store' }));
  if (request.kind !== 'store' && request.kind !== 'secret') return [];
  const profileFlag = request.options.profile;
  const profile = await resolveProfile(env, profileFlag);
  // A TAB must not create the embedded store (and its master key) on a machine that has none yet.
  if (profile.name === LOCAL_PROFILE && !existsSync(join(dataDir(env), 'sstore.db'))) return [];
  const ctx: Context = {
    io: createIO({ noColor: true }, env),
    globals: { profile: profileFlag, json: false, quiet: true, color: false, verbose: false, timeoutMs: 5_000 },
  };
  const session = await openSession(ctx);
  try {
    if (request.kind === 'store') return (await session.provider.listStores()).map((s) => ({ value: s.name, description: s.id }));
    const ref = request.options.store ?? session.profile.store;
    const store = await resolveStore(session.provider, { ref, from: undefined, createDefault: false });
    if (request.signal.aborted) return [];
    return (await collect(session.provider.listSecrets(store.id, { order: 'name', direction: 'asc' }))).map((s) => ({ value: s.name, ...(s.comment && { description: s.comment }) }));
  } finally {
    await session.provider.close();
  }
}
