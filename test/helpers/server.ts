import { AssertionError } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { after } from 'node:test';
import { BACKEND, storageFor } from './backend.ts';
import { contractViolation } from './contract.ts';
import { BIN, tempDir } from './env.ts';

/** Origins of the servers this test file started: every response from them is checked against the specs. */
const origins = new Set<string>();
/** Responses checked against the specs in this test file. */
export const contractChecks = { count: 0 };

/**
 * Every response a test receives from a server it started, through `fetch` (raw calls and the official SDK alike),
 * must match the provider's OpenAPI file (test/helpers/contract.ts); a mismatch fails the request that got it.
 */
const unchecked = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await unchecked(input, init);
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (!origins.has(url.origin)) return response;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const body = await response.clone().text();
  contractChecks.count++;
  const problem = contractViolation({ method, path: url.pathname, status: response.status, contentType: response.headers.get('content-type'), body });
  if (problem) throw new AssertionError({ message: `the response does not match the spec: ${problem}` });
  return response;
};

export interface ServerProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** `${url}/client/v4` */
  api: string;
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then wait for exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  args?: string[];
  /** The storage, on the suite's backend (test/helpers/backend.ts): a data dir, or the database that stands for it. */
  dataDir?: string;
  /**
   * Storage flags as they are, with `env` as it is (the PostgreSQL tests: `['--database', url]`, or `[]` with
   * SSTORE_DATABASE_URL in `env`); overrides `dataDir`.
   */
  storage?: string[];
}

/**
 * Starts `sstore server start --port 0` as a real child process and waits for its "listening" line. Without
 * `dataDir` or `storage`, a SQLite server uses the env's SSTORE_DATA_DIR and a PostgreSQL one a fresh database.
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const { args: storage, env } =
    options.storage !== undefined
      ? { args: options.storage, env: options.env }
      : options.dataDir !== undefined || BACKEND === 'postgres'
        ? await storageFor(options.dataDir ?? tempDir(), options.env)
        : { args: [], env: options.env };
  const args = [BIN, 'server', 'start', '--port', '0', ...storage, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15_000);
    const check = () => {
      const match = /sstore server listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
  origins.add(new URL(url).origin);
  const server: ServerProcess = {
    url,
    api: `${url}/client/v4`,
    child,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
  after(() => void server.stop('SIGKILL'));
  return server;
}
