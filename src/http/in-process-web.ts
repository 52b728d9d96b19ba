/**
 * Just enough of the web's Headers, Request and Response for the client (ofetch) and the server app (Hono) to talk
 * inside one process. Node builds its own from undici the first time any of them is touched, ~40 ms of a CLI run that
 * never opens a socket; the embedded store installs these instead (see installInProcessWeb).
 *
 * What they leave out: bodies are a string or bytes held in memory, never streamed (`body` is a one-shot stream made
 * on demand), no form data (FormData only answers instanceof), no redirects, no clone. Names, values, default content
 * types and statuses follow the Fetch standard, so the app answers as it does over HTTP.
 */

type HeadersInput = LiteHeaders | Headers | Iterable<readonly [string, string]> | Record<string, string | readonly string[]>;
type BodyInput = string | Uint8Array | ArrayBuffer | null | undefined;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function headerName(name: string): string {
  const lower = String(name).toLowerCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(lower)) throw new TypeError(`invalid header name: ${JSON.stringify(name)}`);
  return lower;
}

function headerValue(value: string): string {
  const trimmed = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  if (/[\0\r\n]/.test(trimmed)) throw new TypeError('invalid header value');
  return trimmed;
}

function isIterable(value: object): value is Iterable<readonly [string, string]> {
  return Symbol.iterator in value;
}

export class LiteHeaders {
  readonly #map = new Map<string, string>();

  constructor(init?: HeadersInput) {
    if (init === undefined || init === null) return;
    if (isIterable(init)) {
      for (const [name, value] of init) this.append(name, value);
      return;
    }
    for (const [name, value] of Object.entries(init)) for (const item of typeof value === 'string' ? [value] : value) this.append(name, item);
  }

  get(name: string): string | null {
    return this.#map.get(headerName(name)) ?? null;
  }

  has(name: string): boolean {
    return this.#map.has(headerName(name));
  }

  set(name: string, value: string): void {
    this.#map.set(headerName(name), headerValue(value));
  }

  append(name: string, value: string): void {
    const key = headerName(name);
    const previous = this.#map.get(key);
    this.#map.set(key, previous === undefined ? headerValue(value) : `${previous}, ${headerValue(value)}`);
  }

  delete(name: string): void {
    this.#map.delete(headerName(name));
  }

  getSetCookie(): string[] {
    const value = this.#map.get('set-cookie');
    return value === undefined ? [] : [value];
  }

  forEach(callback: (value: string, name: string, headers: LiteHeaders) => void): void {
    for (const [name, value] of this) callback(value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    // The standard's order: sorted by name.
    for (const name of [...this.#map.keys()].sort()) yield [name, this.#map.get(name)!];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

function bytesOf(body: BodyInput): Uint8Array | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('the in-process transport carries only string or byte bodies');
}

/** The body both classes share: held whole, read once. */
class LiteBody {
  readonly #bytes: Uint8Array | null;
  #used = false;

  constructor(body: BodyInput, headers: LiteHeaders) {
    this.#bytes = bytesOf(body);
    if (typeof body === 'string' && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
  }

  get bytes(): Uint8Array | null {
    return this.#bytes;
  }

  get used(): boolean {
    return this.#used;
  }

  stream(): ReadableStream<Uint8Array> | null {
    return this.#bytes === null ? null : (new Blob([this.#bytes as Uint8Array<ArrayBuffer>]).stream() as ReadableStream<Uint8Array>);
  }

  async read(): Promise<Uint8Array> {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes ?? new Uint8Array(0);
  }
}

/** What requests and responses share: headers and a body held whole, read once. */
abstract class LiteMessage {
  readonly headers: LiteHeaders;
  readonly #body: LiteBody;

  constructor(body: BodyInput, headers: LiteHeaders) {
    this.headers = headers;
    this.#body = new LiteBody(body, headers);
  }

  protected get bodyBytes(): Uint8Array | null {
    return this.#body.bytes;
  }

  protected bodyStream(): ReadableStream<Uint8Array> | null {
    return this.#body.stream();
  }

  protected readBody(): Promise<Uint8Array> {
    return this.#body.read();
  }

  get bodyUsed(): boolean {
    return this.#body.used;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#body.read();
    return bytes.slice().buffer;
  }

  async text(): Promise<string> {
    return decoder.decode(await this.#body.read());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

export interface LiteRequestInit {
  method?: string;
  headers?: HeadersInput;
  body?: BodyInput;
  signal?: AbortSignal | null;
}

const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

export class LiteRequest extends LiteMessage {
  readonly url: string;
  readonly method: string;
  readonly signal: AbortSignal;

  constructor(input: string | URL | LiteRequest, init: LiteRequestInit = {}) {
    const from = input instanceof LiteRequest ? input : undefined;
    const requested = init.method ?? from?.method ?? 'GET';
    const method = NORMALIZED_METHODS.has(requested.toUpperCase()) ? requested.toUpperCase() : requested;
    const body = init.body !== undefined ? init.body : from === undefined ? undefined : from.bodyBytes;
    if (body !== null && body !== undefined && (method === 'GET' || method === 'HEAD')) {
      throw new TypeError('Request with GET/HEAD method cannot have body.');
    }
    super(body, new LiteHeaders(init.headers ?? from?.headers));
    this.url = from ? from.url : new URL(String(input)).href;
    this.method = method;
    this.signal = init.signal ?? from?.signal ?? new AbortController().signal;
    // What an HTTP client sends, so the app sees the request as it would over a socket.
    const bytes = this.bodyBytes;
    if (bytes !== null && !this.headers.has('content-length')) this.headers.set('content-length', String(bytes.byteLength));
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.bodyStream();
  }
}

export interface LiteResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInput;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export class LiteResponse extends LiteMessage {
  readonly status: number;
  readonly statusText: string;
  readonly type = 'default';
  readonly url = '';
  readonly redirected = false;

  constructor(body?: BodyInput, init: LiteResponseInit = {}) {
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`invalid status: ${status}`);
    if (body !== null && body !== undefined && NULL_BODY_STATUSES.has(status)) throw new TypeError(`a ${status} response cannot have a body`);
    super(body, new LiteHeaders(init.headers));
    this.status = status;
    this.statusText = init.statusText ?? '';
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** The bytes themselves, not a stream: Hono hands `res.body` back to the constructor when it rebuilds a response. */
  get body(): Uint8Array | null {
    return this.bodyBytes;
  }

  async blob(): Promise<Blob> {
    const type = this.headers.get('content-type') ?? '';
    return new Blob([(await this.readBody()) as Uint8Array<ArrayBuffer>], { type });
  }
}

/** ofetch asks `body instanceof FormData` of every body it sends; the embedded store takes no forms. */
export class LiteFormData {
  constructor() {
    throw new TypeError('the in-process transport carries no form data');
  }
}

/**
 * Makes Headers, Request, Response and FormData of this process the light ones, before anything touches Node's (which would
 * load undici). Only a process that talks to the embedded store in-process calls this: it never uses `fetch`.
 */
export function installInProcessWeb(): void {
  // Assigned, not defined: Object.defineProperty over Node's lazy globals loads undici all the same.
  Object.assign(globalThis, { Headers: LiteHeaders, Request: LiteRequest, Response: LiteResponse, FormData: LiteFormData });
}
