import { SstoreError } from '../../../errors.ts';
import { type Dialect, presentedToken } from '../../dialect.ts';
import { fastApiError } from './errors.ts';
import { mountSgpRoutes } from './routes.ts';

/** The shared authenticator speaks of Bearer tokens; SGP clients send `x-api-key`. */
function authError(presented: boolean): SstoreError {
  return new SstoreError('auth', presented ? 'Invalid API key' : 'Not authenticated: send your API key in the x-api-key header');
}

/** SGP's v5 API is a FastAPI app: every error under `/v5` is `{"detail": ...}`. */
export const sgpDialect: Dialect = {
  prefix: '/v5',
  mount: mountSgpRoutes,
  errorResponse(c, error) {
    const wire = fastApiError(error.kind === 'auth' ? authError(presentedToken(c) !== undefined) : error);
    // The Stainless SDKs retry a 409 unless told not to; a duplicate key will not go away by retrying.
    if (wire.status === 409) c.header('x-should-retry', 'false');
    return c.json(wire.body, wire.status as 400);
  },
  notFoundResponse(c) {
    return c.json({ detail: 'Not Found' }, 404);
  },
};
