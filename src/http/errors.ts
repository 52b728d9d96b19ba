import { SstoreError, type ErrorKind } from '../errors.ts';

/**
 * What every provider's error parser shares (each parser lives beside its provider, in `src/providers/`): the kind a
 * status means, the framing of 429 and 5xx, and network failures.
 */

/** The kind of a failed response from its status alone: what every provider's errors have in common. */
export function statusKind(status: number): ErrorKind {
  if (status === 400 || status === 422 || status === 415) return 'validation';
  if (status === 413) return 'quota';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  // 507: the server's disk is full. Retrying cannot help and the network is fine: a failure (exit 1), said as such.
  if (status === 507) return 'internal';
  if (status === 429 || status >= 500) return 'network';
  return 'internal';
}

/** The message of a failed response, and the 429 / 5xx framing that says whose fault it is. */
export function framed(status: number, message: string): string {
  if (status === 429) return `rate limited by the API (HTTP 429): ${message}`;
  if (status === 507) return /disk full/i.test(message) ? message : `disk full on the server (HTTP 507): ${message}`;
  if (status >= 500) return `the API failed (HTTP ${status}): ${message}`;
  return message;
}

/** An exceeded quota, or a value or body over a limit (the local server says "the limit is N"). */
const QUOTA_WORDS = /\bquota\b.*\bexceeded\b|\bexceeded\b.*\bquota\b|\bthe limit is\b|\btoo large\b/i;

/**
 * SGP and Neostore have no quota status (both answer 400, which would read as bad input); the message is all there
 * is to tell a full account from a bad request.
 */
export function kindWithQuota(status: number, message: string): ErrorKind {
  if ((status === 400 || status === 413 || status === 422) && QUOTA_WORDS.test(message)) return 'quota';
  return statusKind(status);
}

/** Walks an error's causes (ofetch wraps fetch's TypeError, which wraps the socket error). */
function causes(error: unknown): { names: string[]; code: string | undefined } {
  const names: string[] = [];
  let code: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { name?: unknown; code?: unknown; cause?: unknown };
    if (typeof e.name === 'string') names.push(e.name);
    if (code === undefined && typeof e.code === 'string') code = e.code;
    current = e.cause;
  }
  return { names, code };
}

export function networkError(url: string, cause: unknown, timeoutMs: number): SstoreError {
  const { names, code } = causes(cause);
  const origin = safeOrigin(url);
  if (names.includes('TimeoutError') || names.includes('AbortError') || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new SstoreError('network', `no answer from ${origin} within ${timeoutMs / 1000} s`, {
      reason: 'timeout',
      hint: 'raise --timeout, or check the server',
      cause,
    });
  }
  return new SstoreError('network', `cannot reach ${origin}${code ? ` (${code})` : ''}`, {
    reason: 'unreachable',
    hint: 'check the URL of the profile (`sstore profile show`) and your connection',
    cause,
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
