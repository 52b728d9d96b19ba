import { SstoreError, type ErrorKind } from '../../../errors.ts';

/** One entry of FastAPI's 422 body: where (`["body","key"]`), what, and pydantic's error type. */
export interface FastApiIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * A request validation failure that answers FastAPI's `{"detail": [{loc, msg, type}, ...]}` with 422. It is still an
 * SstoreError of kind `validation`, so every other layer treats it as one; only the SGP dialect reads `issues`.
 */
export class FastApiValidationError extends SstoreError {
  readonly issues: readonly FastApiIssue[];

  constructor(issues: FastApiIssue[]) {
    super('validation', issues.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; '), { reason: 'request_validation' });
    this.issues = issues;
  }
}

export function invalidQuery(name: string, msg: string, type: string): FastApiValidationError {
  return new FastApiValidationError([{ loc: ['query', name], msg, type }]);
}

const STATUS: Record<ErrorKind, number> = {
  validation: 422,
  usage: 400,
  cancelled: 400,
  not_found: 404,
  conflict: 409,
  // SGP has no documented quota; a 400 is not retried by the Stainless SDKs, a 429 would be.
  quota: 400,
  auth: 401,
  permission: 403,
  unsupported: 400,
  network: 502,
  internal: 500,
};

export interface FastApiError {
  status: number;
  body: { detail: string | FastApiIssue[] };
}

/** Engine validation reasons that concern one body field, so the 422 can point at it. */
const FIELD_OF_REASON: Record<string, { loc: string[]; type: string }> = {
  secret_value_too_large: { loc: ['body', 'value'], type: 'string_too_long' },
  invalid_json_body: { loc: ['body'], type: 'json_invalid' },
};

/** SstoreError → FastAPI's shapes: `{"detail": "<message>"}`, or the 422 array for validation. */
export function fastApiError(error: SstoreError): FastApiError {
  if (error instanceof FastApiValidationError) return { status: 422, body: { detail: [...error.issues] } };
  // A field's limit (a value too large: kind quota, exit 6) still answers FastAPI's 422 pointing at the field.
  const status = error.status ?? (error.reason && FIELD_OF_REASON[error.reason] ? 422 : STATUS[error.kind]);
  if (status === 422) {
    const field = (error.reason && FIELD_OF_REASON[error.reason]) || { loc: ['body'], type: 'value_error' };
    return { status, body: { detail: [{ loc: field.loc, msg: error.message, type: field.type }] } };
  }
  if (error.kind === 'internal' && error.status === undefined) return { status, body: { detail: 'Internal Server Error' } };
  return { status, body: { detail: error.message } };
}
