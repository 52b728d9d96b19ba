import type { Dialect } from '../../dialect.ts';
import { failure, noRoute } from './envelope.ts';
import { mountCloudflareRoutes } from './routes.ts';

export const cloudflareDialect: Dialect = {
  prefix: '/client/v4',
  mount: mountCloudflareRoutes,
  errorResponse(c, error) {
    const wire = error.reason === 'no_route' ? noRoute() : failure(error);
    // The official SDK retries 409s (and other 4xx it deems transient) unless told not to.
    if (wire.status >= 400 && wire.status < 500 && wire.status !== 429) c.header('x-should-retry', 'false');
    return c.json(wire.body, wire.status as 400);
  },
  notFoundResponse(c) {
    const wire = noRoute();
    c.header('x-should-retry', 'false');
    return c.json(wire.body, 404);
  },
};
