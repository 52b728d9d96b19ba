import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../formats/private-file.ts';
import type { Candidate } from './candidates.ts';

/** A question for the live resolver: the names of this kind, given the options typed so far (`--store`, `--profile`). */
export interface NameRequest {
  kind: string;
  /** The command path, e.g. ['secrets', 'get']. */
  command: readonly string[];
  /** Option values already on the command line, by commander attribute name (e.g. { store: 'prod' }). */
  options: Readonly<Record<string, string>>;
  /** Aborted when the deadline passes: a source should stop its request then. */
  signal: AbortSignal;
}

/** Lists names of a kind. It may be slow or fail; createNameResolver makes it safe for completion. */
export type NameSource = (request: NameRequest) => Promise<readonly Candidate[]>;

/** A NameSource that never throws and never runs past its deadline. */
export type NameResolver = (request: Omit<NameRequest, 'signal'>) => Promise<readonly Candidate[]>;

export interface ResolverPolicy {
  /** Folder for the cache files (cacheDir()/completion). */
  dir: string;
  /** How long an answer is reused without asking again. */
  ttlMs?: number;
  /** Give up on the source after this long. */
  deadlineMs?: number;
  /** After a failure or a timeout, an older answer up to this age is still better than nothing. */
  staleMs?: number;
  /** Extra text that separates caches, e.g. the profile and API URL. */
  scope?: string;
  now?: () => number;
}

interface CacheFile {
  at: number;
  candidates: Candidate[];
}

export const DEFAULT_DEADLINE_MS = 300;

/**
 * Wraps a source for completion: a fresh cached answer is returned at once; otherwise the source is asked, with a
 * deadline, and a good answer is cached (0600 file: names only, never values). On timeout or error the last answer
 * (if not too old) or nothing is returned. It never throws.
 */
export function createNameResolver(source: NameSource, policy: ResolverPolicy): NameResolver {
  const ttl = policy.ttlMs ?? 30_000;
  const deadline = policy.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const staleMs = policy.staleMs ?? 60 * 60_000;
  const now = policy.now ?? Date.now;
  return async (request) => {
    const file = join(policy.dir, `${createHash('sha256').update(JSON.stringify([policy.scope ?? '', request.kind, request.options])).digest('hex').slice(0, 32)}.json`);
    const cached = readCache(file);
    if (cached && now() - cached.at <= ttl) return cached.candidates;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error('deadline'));
        }, deadline);
      });
      const candidates = [...(await Promise.race([source({ ...request, signal: controller.signal }), timeout]))];
      try {
        mkdirSync(policy.dir, { recursive: true, mode: 0o700 });
        writePrivateFile(file, JSON.stringify({ at: now(), candidates } satisfies CacheFile));
      } catch {
        // A cache that cannot be written only costs speed.
      }
      return candidates;
    } catch {
      return cached && now() - cached.at <= staleMs ? cached.candidates : [];
    } finally {
      clearTimeout(timer);
    }
  };
}

function readCache(file: string): CacheFile | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (typeof data.at !== 'number' || !Array.isArray(data.candidates)) return undefined;
    return { at: data.at, candidates: data.candidates.filter((c): c is Candidate => typeof c?.value === 'string') };
  } catch {
    return undefined;
  }
}
