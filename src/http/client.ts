import { createFetch, type FetchResponse } from 'ofetch';
import { isSstoreError, SstoreError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { networkError, statusKind } from './errors.ts';

export type FetchFn = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface HttpClientOptions {
  /** e.g. https://api.cloudflare.com/client/v4 */
  baseUrl: string;
  /** Authentication headers; never logged. */
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Another transport: the in-process server app, or a test double. Default: the global fetch. */
  fetch?: FetchFn;
  /** Retries after the first attempt, for idempotent requests. */
  retries?: number;
  /** First backoff step; doubles each retry, with jitter, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** `--verbose`: one line per attempt. Gets no headers and no bodies. */
  log?: (line: string) => void;
  /** Turns a failed response into an error: the provider's parser (its descriptor's `errorFor`). */
  errorFor: (status: number, body: unknown) => SstoreError;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Per-request headers (e.g. Neostore's `Accept: text/plain` for a raw value). */
  headers?: Record<string, string>;
  /** The body as text, unparsed, whatever its type (a success only; error bodies are still parsed for errorFor). */
  text?: boolean;
}

export interface HttpResponse {
  status: number;
  body: unknown;
  /** The response's Content-Type, or null. */
  contentType: string | null;
}

export interface HttpClient {
  readonly baseUrl: string;
  request(method: Method, path: string, options?: RequestOptions): Promise<HttpResponse>;
}

export const USER_AGENT = `sstore/${VERSION}`;
const IDEMPOTENT: ReadonlySet<Method> = new Set(['GET', 'PUT', 'DELETE']);
const MAX_RETRY_AFTER_MS = 60_000;

/** One client per profile: base URL, auth, User-Agent, timeout, retries with backoff, failed responses → SstoreError. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const $fetch = createFetch({ fetch: (options.fetch ?? globalThis.fetch) as typeof globalThis.fetch });
  const retries = options.retries ?? 3;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 8_000;
  const { errorFor } = options;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function attempt(method: Method, url: string, request: RequestOptions): Promise<FetchResponse<unknown>> {
    return $fetch.raw(url, {
      method,
      ...(request.query && { query: dropUndefined(request.query) }),
      ...(request.body !== undefined && { body: request.body as Record<string, unknown> }),
      headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...options.headers, ...request.headers },
      ...(request.text && { responseType: 'text' as const }),
      timeout: options.timeoutMs,
      retry: false,
      ignoreResponseError: true,
    });
  }

  return {
    baseUrl: base,
    async request(method, path, request = {}) {
      const url = `${base}${path}`;
      const shown = redactUrl(url, request.query);
      for (let n = 0; ; n++) {
        const started = performance.now();
        let response: FetchResponse<unknown>;
        try {
          response = await attempt(method, url, request);
        } catch (error) {
          const ms = Math.round(performance.now() - started);
          // The transport itself answered with an SstoreError (the embedded store could not open: a wrong key, a
          // corrupt database): that is the answer, told as it is, never a network failure to retry.
          const own = transportError(error);
          if (own) {
            options.log?.(`${method} ${shown} → ${own.reason ?? own.kind} (${ms} ms)`);
            throw own;
          }
          const failure = networkError(url, error, options.timeoutMs);
          options.log?.(`${method} ${shown} → ${failure.reason} (${ms} ms)`);
          // A refused connection never reached the server, so even a POST may be sent again.
          const refused = failure.reason === 'unreachable' && /ECONNREFUSED/.test(failure.message);
          if (n < retries && (IDEMPOTENT.has(method) || refused)) {
            await wait(options, backoff(n, baseDelay, maxDelay), failure.reason ?? 'network error');
            continue;
          }
          throw failure;
        }
        const ms = Math.round(performance.now() - started);
        options.log?.(`${method} ${shown} → ${response.status} (${ms} ms)`);
        const contentType = response.headers.get('content-type');
        const body = request.text && !response.ok ? parseJsonText(response._data, contentType) : response._data;
        if (response.ok && (request.text || !isFailedEnvelope(body))) return { status: response.status, body, contentType };
        // What the status alone calls a network problem (429, 5xx but a full disk) may pass on a later try.
        const retryable = statusKind(response.status) === 'network';
        if (retryable && n < retries && (IDEMPOTENT.has(method) || response.status === 429)) {
          const after = retryAfterMs(response.headers.get('retry-after'));
          await wait(options, after ?? backoff(n, baseDelay, maxDelay), `HTTP ${response.status}`);
          continue;
        }
        throw errorFor(response.status, body);
      }
    },
  };
}

/** An SstoreError thrown by the fetch function, under ofetch's wrapping (its FetchError keeps it as the cause). */
function transportError(error: unknown): SstoreError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    if (isSstoreError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const JSON_TYPE = /^(application\/([\w.+-]*\+)?json|text\/json)\s*(;|$)/i;

/** Whether a Content-Type carries JSON (`application/json`, `application/problem+json`, `text/json`). */
export function isJsonType(contentType: string | null): boolean {
  return contentType !== null && JSON_TYPE.test(contentType);
}

/** A text body parsed as JSON when its type says so; otherwise (or when it does not parse) the text itself. */
function parseJsonText(body: unknown, contentType: string | null): unknown {
  if (typeof body !== 'string' || !isJsonType(contentType)) return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function isFailedEnvelope(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { success?: unknown }).success === false;
}

async function wait(options: HttpClientOptions, ms: number, why: string): Promise<void> {
  options.log?.(`retrying in ${(ms / 1000).toFixed(1)} s (${why})`);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Exponential backoff with "equal jitter": half fixed, half random, so clients spread out but never retry at once. */
export function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

function dropUndefined(query: Query): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined) out[key] = value;
  return out;
}

/** The URL as logged: no user-info (credentials), the query as sent. */
export function redactUrl(url: string, query?: Query): string {
  let shown = url;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    if (query) for (const [k, v] of Object.entries(dropUndefined(query))) for (const item of [v].flat()) parsed.searchParams.append(k, String(item));
    shown = parsed.toString();
  } catch {
    // not a URL we can parse; log it as given
  }
  return shown;
}
