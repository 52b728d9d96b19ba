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
  return statusKind(status);
}

/** The kind of a failed response from its status alone: what every provider's errors have in common. */
export function statusKind(status: number): ErrorKind {
  if (status === 400 || status === 422 || status === 413 || status === 415) return 'validation';
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
  message = framed(status, message);
  const hint = HINTS[kind];
  return new SstoreError(kind, message, {
    status,
    details,
    ...(reason !== undefined && { reason }),
    ...(hint !== undefined && { hint }),
  });
}

/** The message of a failed response, and the 429 / 5xx framing that says whose fault it is. */
function framed(status: number, message: string): string {
  if (status === 429) return `rate limited by the API (HTTP 429): ${message}`;
  if (status >= 500) return `the API failed (HTTP ${status}): ${message}`;
  return message;
}

/**
 * SGP and Neostore have no quota status (both answer 400, which would read as bad input); the message is all there
 * is to tell a full account from a bad request.
 */
function kindWithQuota(status: number, message: string): ErrorKind {
  if (status === 400 && /\bquota\b.*\bexceeded\b|\bexceeded\b.*\bquota\b/i.test(message)) return 'quota';
  return statusKind(status);
}

interface FastApiIssue {
  loc?: unknown;
  msg?: unknown;
}

/** pydantic's `loc` without the part of the request it came from: `["body","key"]` → `key`. */
function fieldOf(loc: unknown): string {
  if (!Array.isArray(loc)) return '';
  const path = loc.map(String);
  return (['body', 'query', 'path', 'header'].includes(path[0] ?? '') && path.length > 1 ? path.slice(1) : path).join('.');
}

const SGP_HINTS: Partial<Record<ErrorKind, string>> = {
  auth: 'check the API key: `sstore login`, or set SGP_API_KEY',
  permission: 'the API key has no access to this account (SGP_ACCOUNT_ID, or the profile\'s --account), or lacks a permission',
};

/**
 * FastAPI's errors (SGP): `{"detail": "message"}`, or for validation `{"detail": [{loc, msg, type}, ...]}`, whose
 * messages are joined into one line (`key: String should match pattern ...; value: Field required`).
 */
export function fastApiError(status: number, body: unknown): SstoreError {
  const detail = typeof body === 'object' && body !== null ? (body as { detail?: unknown }).detail : undefined;
  let details: ErrorDetail[] = [];
  if (typeof detail === 'string') details = [{ message: detail }];
  else if (Array.isArray(detail)) {
    details = detail
      .filter((i): i is FastApiIssue => typeof i === 'object' && i !== null)
      .map((i) => {
        const field = fieldOf(i.loc);
        const msg = typeof i.msg === 'string' ? i.msg : 'invalid';
        return { message: field ? `${field}: ${msg}` : msg };
      });
  }
  const message = details.length > 0 ? details.map((d) => d.message).join('; ') : `the API answered HTTP ${status}`;
  const kind = kindWithQuota(status, message);
  const hint = SGP_HINTS[kind];
  return new SstoreError(kind, framed(status, message), { status, details, ...(hint !== undefined && { hint }) });
}

const NEOSTORE_HINTS: Partial<Record<ErrorKind, string>> = {
  auth: 'check the API key (`sstore login`, or NEOSTORE_API_KEY): it needs Secret.Read, and Secret.Write to change secrets, on this tenant',
  permission: 'the API key needs Secret.Read, and Secret.Write to change secrets, on this tenant',
};

/**
 * RFC 9457 ProblemDetails (Neostore): `detail`, else the validation `errors` (`{"key": ["message"]}`) as
 * `key: message`, else `title`.
 */
export function problemDetailsError(status: number, body: unknown): SstoreError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as { title?: unknown; detail?: unknown; errors?: unknown };
  const details: ErrorDetail[] = [];
  if (typeof problem.errors === 'object' && problem.errors !== null && !Array.isArray(problem.errors)) {
    for (const [field, messages] of Object.entries(problem.errors)) {
      const text = (Array.isArray(messages) ? messages : [messages]).map(String).join(' ');
      details.push({ message: field && field !== '$' ? `${field}: ${text}` : text });
    }
  }
  const message =
    typeof problem.detail === 'string' && problem.detail !== ''
      ? problem.detail
      : details.length > 0
        ? details.map((d) => d.message).join('; ')
        : typeof problem.title === 'string' && problem.title !== ''
          ? problem.title
          : `the API answered HTTP ${status}`;
  const kind = kindWithQuota(status, message);
  const hint = NEOSTORE_HINTS[kind];
  return new SstoreError(kind, framed(status, message), { status, details, ...(hint !== undefined && { hint }) });
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
