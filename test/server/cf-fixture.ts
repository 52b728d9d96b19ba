/** Shared set-up for the Cloudflare-dialect server tests: a real server on an ephemeral port, and clients for it. */
import assert from 'node:assert/strict';
import Cloudflare from 'cloudflare';
import { storageFor } from '../helpers/backend.ts';
import { runCli } from '../helpers/cli.ts';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer, type ServerProcess } from '../helpers/server.ts';
import type { Envelope, WireRevealed } from './cf-wire.ts';

export const ACCOUNT = '985e105f4ecef8ad9ca31a8372d0c353';
export const OTHER_ACCOUNT = '0123456789abcdef0123456789abcdef';
export const ROOT_TOKEN = 'root-token-for-tests';
export const ID = /^[0-9a-f]{32}$/;
export const MICRO_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export interface Recorder {
  /** Every response body any client of this fixture received. */
  bodies: string[];
  fetch: typeof fetch;
}

/** A fetch that keeps a copy of every response body, to prove afterwards that no stored value ever came back. */
export function recorder(): Recorder {
  const bodies: string[] = [];
  return {
    bodies,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      bodies.push(await response.clone().text());
      return response;
    },
  };
}

export interface CfServer {
  server: ServerProcess;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  rec: Recorder;
  /** The official SDK with a Bearer token (the root token unless given). */
  sdk(token?: string): Cloudflare;
  /**
   * Raw HTTP: path relative to /client/v4; `token: null` sends no credentials. R is the result the test expects
   * the route to send (e.g. `call<WireSecret[]>`); it is not checked at run time, the test's assertions do that.
   */
  call<R = unknown>(method: string, path: string, options?: CallOptions): Promise<Reply<R>>;
  /** The local reveal extension, through a fetch that is not recorded (its body holds a value by design). */
  reveal(store: string, secret: string, token?: string, account?: string): Promise<{ status: number; value: string | undefined; json: Envelope<WireRevealed> }>;
  /** `sstore server token create` through the real binary, against this server's storage; returns the token. */
  createToken(name: string, permissions: string, extra?: string[]): Promise<string>;
}

export interface CallOptions {
  token?: string | null;
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** R is the result a success carries; an error reply's result is null, whatever R says (see assertFailure). */
export interface Reply<R = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: Envelope<R>;
}

/**
 * `database`: a PostgreSQL URL, given to the server and the CLI in SSTORE_DATABASE_URL, with `env` as it is (no key
 * added: see startServer); without it, the suite's backend.
 */
export async function startCf(options: { args?: string[]; env?: NodeJS.ProcessEnv; dataDir?: string; database?: string } = {}): Promise<CfServer> {
  const env = options.env ?? isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT_TOKEN });
  const dataDir = options.dataDir ?? tempDir();
  const { database } = options;
  const server = await startServer({
    env: database === undefined ? env : { ...env, SSTORE_DATABASE_URL: database },
    dataDir,
    ...(database !== undefined && { storage: [] }),
    ...(options.args && { args: options.args }),
  });
  const rec = recorder();
  return {
    server,
    env,
    dataDir,
    rec,
    sdk: (token = ROOT_TOKEN) => new Cloudflare({ apiToken: token, baseURL: server.api, maxRetries: 0, fetch: rec.fetch }),
    async call<R>(method: string, path: string, { token = ROOT_TOKEN, body, headers = {} }: CallOptions = {}): Promise<Reply<R>> {
      const init: RequestInit = { method, headers: { ...headers } };
      if (token !== null) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const response = await rec.fetch(`${server.api}${path}`, init);
      const text = await response.text();
      let json: Envelope<R>;
      try {
        json = JSON.parse(text) as Envelope<R>;
      } catch {
        assert.fail(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async reveal(store, secret, token = ROOT_TOKEN, account = ACCOUNT) {
      const response = await fetch(`${server.api}${secretsPath(store, account)}/${secret}/value`, { headers: { authorization: `Bearer ${token}` } });
      const json = (await response.json()) as Envelope<WireRevealed>;
      return { status: response.status, value: json.success ? json.result.value : undefined, json };
    },
    async createToken(name, permissions, extra = []) {
      const storage = database !== undefined ? { args: [], env: { ...env, SSTORE_DATABASE_URL: database } } : await storageFor(dataDir, env);
      const result = await runCli(['server', 'token', 'create', '--name', name, '--permissions', permissions, ...storage.args, ...extra], { env: storage.env });
      assert.equal(result.code, 0, result.stderr);
      const token = result.stdout.trim();
      assert.match(token, /^sst_[A-Za-z0-9_-]{40,}$/);
      return token;
    },
  };
}

/** The failure envelope, exactly: success false, result null, one error with the given code. */
export function assertFailure(reply: Reply, status: number, code: number, messagePart?: RegExp): void {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.json.success, false);
  assert.equal(reply.json.result, null);
  assert.deepEqual(reply.json.messages, []);
  assert.ok(reply.json.errors.length >= 1);
  assert.equal(reply.json.errors[0]!.code, code, reply.text);
  if (messagePart) assert.match(reply.json.errors[0]!.message, messagePart);
  assert.equal(reply.headers.get('content-type')?.split(';')[0], 'application/json');
}

export function assertNoValueLeaked(bodies: readonly string[], values: readonly string[]): void {
  assert.ok(bodies.length > 0, 'no response was recorded');
  for (const value of values) {
    const leaked = bodies.find((body) => body.includes(value));
    assert.equal(leaked, undefined, `a response body contained a stored value: ${leaked?.slice(0, 200)}`);
  }
}

export const storesPath = (account = ACCOUNT) => `/accounts/${account}/secrets_store/stores`;
export const secretsPath = (store: string, account = ACCOUNT) => `${storesPath(account)}/${store}/secrets`;
