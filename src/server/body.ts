import type { Context } from 'hono';
import { SstoreError } from '../errors.ts';

/** What a request body turned out to be; each dialect words the failures its own way. */
export type JsonBody =
  | { ok: true; value: unknown }
  | { ok: false; problem: 'empty' }
  | { ok: false; problem: 'malformed' }
  /** Invalid UTF-8, or a lone surrogate escape in a string or key at `path` (empty for the raw bytes). */
  | { ok: false; problem: 'not_unicode'; path: (string | number)[] };

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a string is valid Unicode. A lone surrogate (`"\ud800"`) cannot be stored as UTF-8: it would come back as
 * U+FFFD, a silently different value, so every dialect refuses it instead.
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function tooLarge(maxBytes: number): SstoreError {
  return new SstoreError('validation', `the request body is larger than ${maxBytes} bytes`, { reason: 'body_too_large', status: 413 });
}

/**
 * The body's bytes, at most `maxBytes`. A declared Content-Length over the limit is refused before a byte is read;
 * the unread body is then discarded by Node (bounded by @hono/node-server), so the connection stays usable. Nothing
 * else may touch `request.body` before a route decides to read it: once wrapped in a web stream, an unread body
 * stalls that discarding and the connection is cut under the client's next request (issue 12, item 1). A client
 * that hangs up before sending the whole body is a client abort, not a server error.
 */
async function bodyBytes(c: Context, maxBytes: number): Promise<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  try {
    if (declared !== undefined) return new Uint8Array(await c.req.raw.arrayBuffer());
    const reader = c.req.raw.body?.getReader();
    if (!reader) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        // The rest of a chunked body was not read: this connection cannot carry another request.
        c.header('connection', 'close');
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof SstoreError) throw error;
    throw new SstoreError('validation', 'the client closed the connection before sending the whole body', {
      reason: 'client_aborted',
      cause: error,
    });
  }
}

/** The first string (value or key) holding a lone surrogate, as a path into the parsed body. */
function illFormedPath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value === 'string') return isWellFormedText(value) ? undefined : path;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedPath(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isWellFormedText(key)) return [...path, key.replace(LONE_SURROGATE, '\uFFFD')];
    const found = illFormedPath(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Reads and parses a JSON body: exactly the bytes sent, valid UTF-8 and valid Unicode, or a refusal. */
export async function readJsonBody(c: Context, maxBytes: number): Promise<JsonBody> {
  const bytes = await bodyBytes(c, maxBytes);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, problem: 'not_unicode', path: [] };
  }
  if (text.trim() === '') return { ok: false, problem: 'empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const path = illFormedPath(value);
  if (path) return { ok: false, problem: 'not_unicode', path };
  return { ok: true, value };
}

/** Words for a body that is not Unicode, shared by the dialects. */
export const NOT_UNICODE_MESSAGE = 'the request body is not valid UTF-8 or holds a lone surrogate; values are stored exactly or refused';
