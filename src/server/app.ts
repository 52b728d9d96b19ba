import { Hono, type Context } from 'hono';
import { SstoreError, isSstoreError } from '../errors.ts';
import type { Engine } from '../engine/engine.ts';
import type { Authenticator } from './auth.ts';
import { cloudflareDialect } from './dialects/cloudflare/index.ts';
import { neostoreDialect } from './dialects/neostore/index.ts';
import { sgpDialect } from './dialects/sgp/index.ts';
import type { AppEnv, Dialect } from './dialect.ts';

export interface AppOptions {
  engine: Engine;
  authenticate: Authenticator;
  /** Called for errors that are not the client's fault (a 500), so the operator can see them. */
  onInternalError?: (error: unknown) => void;
}

/** The whole API as a web-standard fetch handler: a Response, at once when it can be. */
export type ApiHandler = (request: Request) => Response | Promise<Response>;

/** What a 503 tells clients to wait before retrying: the pool reconnects on the next request after it. */
const RETRY_AFTER_SECONDS = 1;

export const DIALECTS: readonly Dialect[] = [cloudflareDialect, sgpDialect, neostoreDialect];

function dialectFor(c: Context): Dialect {
  return DIALECTS.find((d) => c.req.path === d.prefix || c.req.path.startsWith(`${d.prefix}/`)) ?? cloudflareDialect;
}

/**
 * The whole API of every provider. The same handler serves the HTTP server, the CLI's in-process transport and the
 * tests. A GET runs no middleware: Hono then calls the one route that matches directly, without composing a chain
 * of promises, and a cached GET can be answered synchronously (src/engine/awaitable.ts).
 */
export function createApp(options: AppOptions): ApiHandler {
  const app = new Hono<AppEnv>();
  const deps = { engine: options.engine, authenticate: options.authenticate };
  const { engine } = options;

  // Load balancers ask this: 503 takes an instance out of rotation while its database cannot be reached.
  const healthz = async (c: Context) => {
    const reachable = await engine.isReachable();
    return c.json(reachable ? { ok: true, database: 'reachable' } : { ok: false, database: 'unreachable' }, reachable ? 200 : 503);
  };
  app.get('/healthz', healthz);

  for (const dialect of DIALECTS) dialect.mount(app, deps);

  const onError = (error: unknown, c: Context) => {
    if (isSstoreError(error) && error.kind !== 'internal') return dialectFor(c).errorResponse(c, error);
    options.onInternalError?.(error);
    if (isSstoreError(error) && error.status === 503) {
      // Worth retrying soon; the database's address and the driver's words stay in the operator's log.
      c.header('retry-after', String(RETRY_AFTER_SECONDS));
      const unavailable = new SstoreError('internal', 'the database is unavailable; retry shortly', { reason: error.reason, status: 503 });
      return dialectFor(c).errorResponse(c, unavailable);
    }
    const internal = isSstoreError(error) ? error : new SstoreError('internal', 'internal server error');
    return dialectFor(c).errorResponse(c, internal);
  };
  app.notFound((c) => dialectFor(c).notFoundResponse(c));
  app.onError(onError);

  // Where a request goes when the freshness check itself failed (the database is gone): its dialect's error, or the
  // health check, which reports exactly that.
  const failed = new Hono<{ Bindings: { error: unknown } }>();
  failed.get('/healthz', healthz);
  failed.all('*', (c) => onError(c.env.error, c));

  return (request) => {
    // Before any route reads: cached tokens, stores and secrets stay as fresh as the database, whoever changed it.
    // SQLite answers at once; only a backend that must ask its database costs a promise here.
    const fresh = engine.revalidate();
    return fresh instanceof Promise
      ? fresh.then(
          () => app.fetch(request),
          (error: unknown) => failed.fetch(request, { error }),
        )
      : app.fetch(request);
  };
}
