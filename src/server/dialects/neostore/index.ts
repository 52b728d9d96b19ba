import { SstoreError } from '../../../errors.ts';
import { type Dialect, presentedToken } from '../../dialect.ts';
import { PROBLEM_CONTENT_TYPE, problem, problemOf } from './problem.ts';
import { mountNeostoreRoutes } from './routes.ts';

/** The shared authenticator speaks of Bearer tokens; Neostore clients may send either header. */
function authError(presented: boolean): SstoreError {
  return new SstoreError('auth', presented ? 'The API key or bearer token is not valid.' : 'Send an API key in X-API-KEY or a bearer token in Authorization.');
}

/** Neostore is an ASP.NET Core app: every error under `/api` is RFC 9457 ProblemDetails. */
export const neostoreDialect: Dialect = {
  prefix: '/api',
  mount: mountNeostoreRoutes,
  errorResponse(c, error) {
    const wire = problemOf(error.kind === 'auth' ? authError(presentedToken(c) !== undefined) : error, c.req.path);
    if (wire.status === 401) {
      c.header('www-authenticate', error.kind === 'permission' ? 'Bearer error="insufficient_scope"' : 'Bearer');
    }
    c.header('content-type', PROBLEM_CONTENT_TYPE);
    return c.body(JSON.stringify(wire.body), wire.status as 400);
  },
  notFoundResponse(c) {
    c.header('content-type', PROBLEM_CONTENT_TYPE);
    return c.body(JSON.stringify(problem(404, undefined, c.req.path).body), 404);
  },
};
