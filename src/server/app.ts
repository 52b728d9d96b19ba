import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
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
  /** One line per request: method, path (no query, no body), status, time. Never values or tokens. */
  accessLog?: (line: string) => void;
}

export const DIALECTS: readonly Dialect[] = [cloudflareDialect, sgpDialect, neostoreDialect];

function dialectFor(c: Context): Dialect {
  return DIALECTS.find((d) => c.req.path === d.prefix || c.req.path.startsWith(`${d.prefix}/`)) ?? cloudflareDialect;
}

/**
 * The whole API of every provider as one web-standard fetch handler. The same app serves the HTTP server, the CLI's
 * in-process transport and the tests.
 */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const deps = { engine: options.engine, authenticate: options.authenticate };

  const log = options.accessLog;
  if (log) {
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      log(`${new Date().toISOString()} ${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
    });
  }

  const limitBody = bodyLimit({
    maxSize: options.engine.limits.maxBodyBytes,
    onError: (c) =>
      dialectFor(c).errorResponse(
        c,
        new SstoreError('validation', `the request body is larger than ${options.engine.limits.maxBodyBytes} bytes`, {
          reason: 'body_too_large',
          status: 413,
        }),
      ),
  });
  // GET and HEAD have no body; asking for one makes @hono/node-server build a full Request, a third of a GET's cost.
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  app.get('/healthz', (c) => c.json({ ok: true }));

  // After /healthz (which reads nothing), before every route that does: cached tokens, stores and secrets stay as
  // fresh as the database, whoever changed it.
  app.use('*', (_c, next) => {
    options.engine.revalidate();
    return next();
  });

  for (const dialect of DIALECTS) dialect.mount(app, deps);

  app.notFound((c) => dialectFor(c).notFoundResponse(c));
  app.onError((error, c) => {
    if (isSstoreError(error) && error.kind !== 'internal') return dialectFor(c).errorResponse(c, error);
    options.onInternalError?.(error);
    const internal = isSstoreError(error) ? error : new SstoreError('internal', 'internal server error');
    return dialectFor(c).errorResponse(c, internal);
  });
  return app;
}
