import { SstoreError, type ErrorDetail, type ErrorKind } from '../errors.ts';

/** The error part of Cloudflare's v4 envelope (other providers map their own bodies into the same details). */
interface EnvelopeLike {
  errors?: unknown;
  messages?: unknown;
}

function detailsOf(body: unknown): ErrorDetail[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as EnvelopeLike).errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is { code?: unknown; message?: unknown } => typeof e === 'object' && e !== null)
    .map((e) => ({
      ...(typeof e.code === 'number' || typeof e.code === 'string' ? { code: e.code } : {}),
      message: typeof e.message === 'string' ? e.message : 'unknown error',
    }));
}

function kindFor(status: number, details: readonly ErrorDetail[]): ErrorKind {
  const text = details.map((d) => d.message.toLowerCase().replaceAll('_', ' ')).join(' ');
  const has1003 = details.some((d) => Number(d.code) === 1003);
  if (has1003 && text.includes('exceeded')) return 'quota';
  if (has1003 && text.includes('already exists')) return 'conflict';
  if (status === 400 || status === 422 || status === 413) return 'validation';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429 || status >= 500) return 'network';
  return 'internal';
}

const HINTS: Partial<Record<ErrorKind, string>> = {
  auth: 'check the token: `sstore login`, or set SSTORE_API_TOKEN',
  permission: 'the token needs the Secrets Store Read (and Write, to change things) permission on this account',
  quota: 'see `sstore quota`; delete secrets you no longer need',
};

/**
 * One typed error from a failed response: kind from the status (and Cloudflare's code 1003 for exceeded limits and
 * name clashes), the API's codes and messages kept as details. The local server writes `reason: text`; the reason is
 * split off so the message reads as a sentence.
 */
export function responseError(status: number, body: unknown): SstoreError {
  const details = detailsOf(body);
  const kind = kindFor(status, details);
  const first = details[0];
  let message = first?.message ?? `the API answered HTTP ${status}`;
  let reason: string | undefined;
  const match = /^([a-z][a-z0-9_]*): (.+)$/s.exec(message);
  if (match) {
    reason = match[1];
    message = match[2]!;
  }
  if (first?.code !== undefined && !match) message = `${message} (code ${first.code})`;
  if (status === 429) message = `rate limited by the API (HTTP 429): ${message}`;
  else if (status >= 500) message = `the API failed (HTTP ${status}): ${message}`;
  const hint = HINTS[kind];
  return new SstoreError(kind, message, {
    status,
    details,
    ...(reason !== undefined && { reason }),
    ...(hint !== undefined && { hint }),
  });
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
