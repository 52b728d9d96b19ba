import { SstoreError, type ErrorKind } from '../../../errors.ts';

/** Cloudflare's v4 envelope: `success`, `errors`, `messages`, `result` and, on collections, `result_info`. */
export interface ResultInfo {
  count: number;
  page: number;
  per_page: number;
  total_count: number;
  total_pages: number;
}

export function success(result: unknown, resultInfo?: ResultInfo): Record<string, unknown> {
  return { success: true, errors: [], messages: [], result, ...(resultInfo && { result_info: resultInfo }) };
}

/**
 * Error codes follow what clients have observed of the live API (third-party, see docs/api-compatibility.md):
 * 1001 for validation and missing stores or secrets, 1003 for name clashes and exceeded limits, 7003 for no route,
 * 10000 for authentication.
 */
const MAPPING: Record<ErrorKind, { status: number; code: number }> = {
  validation: { status: 400, code: 1001 },
  usage: { status: 400, code: 1001 },
  cancelled: { status: 400, code: 1001 },
  not_found: { status: 404, code: 1001 },
  conflict: { status: 409, code: 1003 },
  quota: { status: 400, code: 1003 },
  auth: { status: 401, code: 10000 },
  permission: { status: 403, code: 10000 },
  unsupported: { status: 400, code: 1001 },
  network: { status: 502, code: 1002 },
  internal: { status: 500, code: 1002 },
};

export interface WireError {
  status: number;
  body: Record<string, unknown>;
}

/** A value over its limit is a quota condition (exit 6 in the CLI), answered as documented like a bad field: 400/1001. */
const FIELD_LIMITS: ReadonlySet<string> = new Set(['secret_value_too_large']);

export function failure(error: SstoreError, statusOverride?: number, codeOverride?: number): WireError {
  const mapped = error.reason !== undefined && FIELD_LIMITS.has(error.reason) ? MAPPING.validation : MAPPING[error.kind];
  const message = error.reason ? `${error.reason}: ${error.message}` : error.message;
  return {
    status: statusOverride ?? error.status ?? mapped.status,
    body: { success: false, errors: [{ code: codeOverride ?? mapped.code, message }], messages: [], result: null },
  };
}

export function noRoute(): WireError {
  return {
    status: 404,
    body: { success: false, errors: [{ code: 7003, message: 'No route for the URI' }], messages: [], result: null },
  };
}
