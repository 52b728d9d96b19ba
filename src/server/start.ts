import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { localActor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { keyNotice, type MasterKey } from '../engine/master-key.ts';
import { openEngine } from '../engine/open.ts';
import { SstoreError } from '../errors.ts';
import type { Limits } from '../engine/types.ts';
import type { StorageTarget } from '../engine/storage/target.ts';
import { createAccessLog } from './access-log.ts';
import { announce } from './announce.ts';
import { createApp } from './app.ts';
import { tokenAuthenticator } from './auth.ts';

export const ROOT_TOKEN_NAME = 'root';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** How long a shutdown waits for in-flight requests before it cuts the remaining connections. */
const DRAIN_MS = 10_000;

export interface StartOptions {
  /** Where the data lives: a data directory (SQLite) or a PostgreSQL database. */
  target: StorageTarget;
  host: string;
  port: number;
  limits: Limits;
  /** A fixed admin token (`--root-token`, `SSTORE_ROOT_TOKEN`), as `vault server -dev -dev-root-token-id`. */
  rootToken?: string;
  /** The account id the printed `export` line names (the CLI gives the embedded store's, so both see one account). */
  account: string;
  env?: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface RunningServer {
  url: string;
  engine: Engine;
  /** Stops accepting, lets in-flight requests finish, closes the database. */
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const engine = await openEngine({
    target: options.target,
    limits: options.limits,
    ...(options.env && { env: options.env }),
    onKeyCreated: (key: MasterKey) => options.err(keyNotice(key)),
    onWait: options.err,
  });
  try {
    const newRootToken = await ensureRootToken(engine, options.rootToken);
    const accessLog = createAccessLog(options.err);
    const handle = createApp({
      engine,
      authenticate: tokenAuthenticator(engine),
      onInternalError: (error) => options.err(`sstore: internal error: ${error instanceof Error ? error.message : String(error)}`),
    });
    const server = createServer(accessLog.wrap(getRequestListener(handle)));
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options.host, options.port)));
      server.listen(options.port, options.host);
    });
    const { port } = server.address() as AddressInfo;
    if (!isLoopback(options.host)) {
      options.err(`sstore: warning: listening on ${options.host}, reachable from other machines; tokens and values cross the network unencrypted`);
    }
    const { url, lines } = announce({ host: options.host, port, newRootToken, account: options.account });
    // The listening line comes last, so that whoever waits for it has everything above it.
    for (const line of lines) options.out(line);
    let closing: Promise<void> | undefined;
    return {
      url,
      engine,
      close() {
        closing ??= new Promise<void>((resolve) => {
          const cut = setTimeout(() => {
            options.err(`sstore: requests still running after ${DRAIN_MS / 1000}s; closing their connections`);
            if ('closeAllConnections' in server) server.closeAllConnections();
          }, DRAIN_MS);
          // Keep-alive sockets would hold close() open: close each one as soon as it is idle (busy ones finish their
          // request first).
          const idle = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 50);
          server.close(() => {
            clearTimeout(cut);
            clearInterval(idle);
            resolve();
          });
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        }).then(() => {
          accessLog.flush();
          return engine.close();
        });
        return closing;
      },
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** Why the server cannot listen, in one line (exit 2): a port in use, a privileged port, an address not on this machine. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const at = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new SstoreError('usage', `cannot listen on ${at}: the port is in use`, { reason: 'port_in_use', hint: 'choose another with --port (0 picks a free one)', cause: error });
    case 'EACCES':
      return new SstoreError('usage', `cannot listen on ${at}: permission denied`, { reason: 'port_denied', hint: 'ports below 1024 need privileges: use --port 8787', cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new SstoreError('usage', `cannot listen on ${at}: no such address on this machine`, { reason: 'host_invalid', hint: 'use --host 127.0.0.1', cause: error });
    default:
      return error;
  }
}

/**
 * Returns the token to print when one was generated now (first start only); a given root token replaces the stored
 * one. Each branch is one transaction, so servers starting together on one data dir print at most one root token.
 */
async function ensureRootToken(engine: Engine, rootToken: string | undefined): Promise<string | undefined> {
  if (rootToken !== undefined) {
    const current = await engine.authenticate(rootToken);
    if (current?.name !== ROOT_TOKEN_NAME) {
      await engine.createToken({ name: ROOT_TOKEN_NAME, permissions: ['admin'], token: rootToken, ifNameTaken: 'replace' }, localActor());
    }
    return undefined;
  }
  const created = await engine.createToken({ name: ROOT_TOKEN_NAME, permissions: ['admin'], ifNameTaken: 'keep' }, localActor());
  return created?.token;
}
