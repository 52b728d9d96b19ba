import type { Context } from 'hono';
import { SstoreError } from '../../../errors.ts';
import { andThen, type Awaitable } from '../../../engine/awaitable.ts';
import type { Principal } from '../../auth.ts';
import type { AppContext, ServerDeps } from '../../dialect.ts';

/**
 * Cloudflare's two schemes: `Authorization: Bearer <token>`, or `X-Auth-Email` with `X-Auth-Key`, sent together (the
 * key is an sstore token; the email is required but not checked against anything).
 */
function presented(c: Context): { token: string | undefined; problem?: string } {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? { token: match[1] } : { token: undefined, problem: 'the Authorization header must be "Bearer <token>"' };
  }
  const key = c.req.header('x-auth-key');
  if (key !== undefined) {
    const email = c.req.header('x-auth-email');
    if (!email) return { token: undefined, problem: 'X-Auth-Key needs X-Auth-Email beside it' };
    return { token: key.trim() || undefined };
  }
  return { token: undefined };
}

/** Authenticates once per request; `auth` error (401) when there are no valid credentials. */
export function cloudflarePrincipal(c: AppContext, deps: ServerDeps): Awaitable<Principal> {
  const known = c.get('principal');
  if (known) return known;
  const { token, problem } = presented(c);
  if (problem) throw new SstoreError('auth', problem, { reason: 'authentication_error' });
  return andThen(deps.authenticate({ token }), (principal) => {
    if (!principal) {
      throw new SstoreError(
        'auth',
        token ? 'the token is not valid' : 'no credentials: send Authorization: Bearer <token> (or X-Auth-Email and X-Auth-Key)',
        { reason: 'authentication_error' },
      );
    }
    c.set('principal', principal);
    return principal;
  });
}
