/**
 * Shared set-up of the PostgreSQL multi-instance and fault tests: several `sstore server` instances on one database,
 * requests that never throw (a refused connection, a timeout or a contract violation is an outcome to assert on), and
 * a load spread over the instances.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isolatedEnv } from '../helpers/env.ts';
import { ROOT_TOKEN, startCf, type CfServer } from './cf-fixture.ts';

/**
 * How long a request may take, even during a database outage: the server must answer (503) before this, never hang.
 * Above the longest wait the PostgreSQL backend allows itself (DEFAULT_POOL in src/engine/storage/postgres/pool.ts:
 * 5 s for a connection, 10 s for a statement and 1 s more on the client), well below the test's own.
 */
export const REQUEST_TIMEOUT_MS = 15_000;

export const newMasterKey = (): string => randomBytes(32).toString('base64');

/** One operator's environment for a team of instances: the root token and the shared master key. */
export function teamEnv(masterKey = newMasterKey()): NodeJS.ProcessEnv {
  return isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT_TOKEN, SSTORE_MASTER_KEY: masterKey });
}

/** `count` instances on one database, started at once so that their migrations race (one advisory lock). */
export async function startInstances(count: number, database: string, options: { env?: NodeJS.ProcessEnv; args?: string[] } = {}): Promise<CfServer[]> {
  const env = options.env ?? teamEnv();
  return Promise.all(Array.from({ length: count }, () => startCf({ env, database, ...(options.args && { args: options.args }) })));
}

export interface Outcome {
  /** Index of the instance asked. */
  instance: number;
  method: string;
  /** An HTTP status, or how the request failed without one. */
  status: number | 'refused' | 'timeout' | 'contract';
  /** performance.now() when it was sent and when it was answered. */
  sent: number;
  done: number;
  text: string;
  retryAfter: string | null;
}

/** One request with the root token (Cloudflare dialect, path under /client/v4), bounded by REQUEST_TIMEOUT_MS. */
export async function attempt(instances: readonly CfServer[], instance: number, method: string, path: string, body?: unknown, token = ROOT_TOKEN): Promise<Outcome> {
  const sent = performance.now();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const base = { instance, method, sent };
  try {
    const response = await fetch(`${instances[instance]!.server.api}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { ...base, status: response.status, done: performance.now(), text, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const name = (error as Error).name;
    // test/helpers/server.ts checks every answer against the spec and throws an AssertionError when it does not match.
    const status = name === 'TimeoutError' ? 'timeout' : name === 'AssertionError' ? 'contract' : 'refused';
    return { ...base, status, done: performance.now(), text: String((error as Error).message), retryAfter: null };
  }
}

export interface Load {
  /** Every outcome so far, in the order they were answered. */
  outcomes: Outcome[];
  /** Ends the load; resolves once every worker's last request is answered. */
  stop(): Promise<Outcome[]>;
}

/**
 * `workers` loops, each sending its next request as soon as the last is answered (50 ms later after a failure, as a
 * client that backs off would, so that an outage does not turn into a busy loop on a 2-core machine).
 * `next(worker, n)` says what the n-th request of a worker is. It ends by itself after a minute, so that a test that
 * fails before calling stop() does not keep its file's process alive.
 */
export function load(
  instances: readonly CfServer[],
  workers: number,
  next: (worker: number, n: number) => { instance: number; method: string; path: string; body?: unknown },
): Load {
  const outcomes: Outcome[] = [];
  let running = true;
  const deadline = performance.now() + 60_000;
  const finished = Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let n = 0; running && performance.now() < deadline; n++) {
        const request = next(worker, n);
        const outcome = await attempt(instances, request.instance, request.method, request.path, request.body);
        outcomes.push(outcome);
        if (outcome.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }),
  );
  return {
    outcomes,
    async stop() {
      running = false;
      await finished;
      return outcomes;
    },
  };
}

/** Counts outcomes by status, e.g. `{ 200: 180, 503: 12, refused: 3 }`, for messages and diagnostics. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
  return counts;
}

/** The error envelope of a 503 from the database being unreachable, with a Retry-After of whole seconds. */
export function assertUnavailable(o: Outcome): void {
  assert.equal(o.status, 503, o.text);
  const json = JSON.parse(o.text) as { success: boolean; result: unknown; errors: { code: number; message: string }[] };
  assert.equal(json.success, false);
  assert.equal(json.result, null);
  assert.ok(json.errors.length >= 1, o.text);
  assert.match(o.retryAfter ?? '', /^\d+$/, `503 without a Retry-After of whole seconds: ${o.retryAfter}`);
}

/** The first line of output, and that there is no other: errors are one line (plus an optional hint). */
export function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n').filter((line) => !line.startsWith('hint: '));
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
}
