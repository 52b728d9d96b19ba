import type { Context, Hono } from 'hono';
import { SstoreError } from '../errors.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import type { Authenticator, Principal } from './auth.ts';

/** What every dialect's routes get: the engine and the way to know who is calling. */
export interface ServerDeps {
  engine: Engine;
  authenticate: Authenticator;
}

export type AppEnv = { Variables: { principal: Principal } };
export type AppContext = Context<AppEnv>;

/** One provider's wire API, mounted under its own path prefix with its own error format. */
export interface Dialect {
  /** e.g. `/client/v4`; requests under it get this dialect's error bodies. */
  prefix: string;
  mount(app: Hono<AppEnv>, deps: ServerDeps): void;
  errorResponse(c: Context, error: SstoreError): Response;
  notFoundResponse(c: Context): Response;
}

/** The token a request presented: a Bearer token, Cloudflare's X-Auth-Key, or SGP's and Neostore's API-key header. */
export function presentedToken(c: Context): string | undefined {
  const authorization = c.req.header('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : undefined;
  }
  return c.req.header('x-auth-key') ?? c.req.header('x-api-key') ?? undefined;
}

/** Authenticates once per request; `auth` error when there are no valid credentials. */
export async function principalOf(c: AppContext, deps: ServerDeps): Promise<Principal> {
  const known = c.get('principal');
  if (known) return known;
  const principal = await deps.authenticate({ token: presentedToken(c) });
  if (!principal) {
    throw new SstoreError('auth', presentedToken(c) ? 'the token is not valid' : 'no credentials: send Authorization: Bearer <token>', {
      reason: 'authentication_error',
    });
  }
  c.set('principal', principal);
  return principal;
}

/** Who acts in a request that was authenticated already (every route authorizes before it changes anything). */
export function actorOf(c: AppContext): Actor {
  const principal = c.get('principal');
  if (!principal) throw new SstoreError('internal', 'a request acted before it was authenticated');
  return principal.actor;
}
