import { randomBytes } from 'node:crypto';
import { SstoreError, type ErrorKind } from '../../../errors.ts';

/**
 * A request validation failure answered with HttpValidationProblemDetails: `errors` maps a field to its messages.
 * Still an SstoreError of kind `validation`; only the Neostore dialect reads `errors`.
 */
export class ValidationProblem extends SstoreError {
  readonly errors: Readonly<Record<string, string[]>>;

  constructor(errors: Record<string, string[]>) {
    super('validation', Object.entries(errors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; '), {
      reason: 'request_validation',
    });
    this.errors = errors;
  }
}

export function invalidField(field: string, message: string): ValidationProblem {
  return new ValidationProblem({ [field]: [message] });
}

/** ASP.NET Core's defaults for each status: the RFC 9110 section as `type`, the reason phrase as `title`. */
const STATUS_INFO: Record<number, { type: string; title: string }> = {
  400: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1', title: 'Bad Request' },
  401: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2', title: 'Unauthorized' },
  403: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.4', title: 'Forbidden' },
  404: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5', title: 'Not Found' },
  405: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.6', title: 'Method Not Allowed' },
  409: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.10', title: 'Conflict' },
  413: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.14', title: 'Content Too Large' },
  415: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.16', title: 'Unsupported Media Type' },
  500: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.1', title: 'An error occurred while processing your request.' },
  502: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.3', title: 'Bad Gateway' },
  503: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.4', title: 'Service Unavailable' },
  507: { type: 'https://tools.ietf.org/html/rfc4918#section-11.5', title: 'Insufficient Storage' },
};

/**
 * Neostore documents only 401 for "not authorized", including a missing scope, so a permission failure is a 401
 * too. A quota failure has no documented status; 400 is the one documented client error of PUT.
 */
const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  usage: 400,
  cancelled: 400,
  not_found: 404,
  conflict: 409,
  quota: 400,
  auth: 401,
  permission: 401,
  unsupported: 400,
  network: 502,
  internal: 500,
};

/** Engine validation reasons that concern one field of the SetRequest. */
const FIELD_OF_REASON: Record<string, string> = {
  secret_value_too_large: 'value',
  invalid_json_body: '$',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  status: number;
  body: Record<string, unknown>;
}

/** W3C trace-context id, as ASP.NET Core puts in every ProblemDetails (`traceId`). */
function traceId(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
}

export function problem(status: number, detail: string | undefined, instance?: string): Problem {
  const info = STATUS_INFO[status] ?? { type: 'about:blank', title: 'Error' };
  return {
    status,
    body: { type: info.type, title: info.title, status, ...(detail !== undefined && { detail }), ...(instance && { instance }), traceId: traceId() },
  };
}

/** SstoreError → RFC 9457 ProblemDetails; validation failures → HttpValidationProblemDetails with `errors`. */
export function problemOf(error: SstoreError, instance: string): Problem {
  const status = error.status ?? STATUS[error.kind];
  // A field's limit (a value too large: kind quota) is reported on its field too, as ASP.NET validation does.
  if (status === 400 && (error.kind === 'validation' || (error.reason !== undefined && FIELD_OF_REASON[error.reason] !== undefined))) {
    const errors = error instanceof ValidationProblem ? error.errors : { [(error.reason && FIELD_OF_REASON[error.reason]) || '$']: [error.message] };
    return {
      status,
      body: {
        type: STATUS_INFO[400]!.type,
        title: 'One or more validation errors occurred.',
        status,
        errors,
        instance,
        traceId: traceId(),
      },
    };
  }
  // An internal error is shown only when it names its own status (disk full): any other may say too much.
  return problem(status, error.kind === 'internal' && error.status === undefined ? undefined : error.message, instance);
}
