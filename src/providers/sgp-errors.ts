import { SstoreError, type ErrorDetail, type ErrorKind } from '../errors.ts';
import { framed, kindWithQuota } from '../http/errors.ts';

interface FastApiIssue {
  loc?: unknown;
  msg?: unknown;
}

/** pydantic's `loc` without the part of the request it came from: `["body","key"]` → `key`. */
function fieldOf(loc: unknown): string {
  if (!Array.isArray(loc)) return '';
  const path = loc.map(String);
  return (['body', 'query', 'path', 'header'].includes(path[0] ?? '') && path.length > 1 ? path.slice(1) : path).join('.');
}

const HINTS: Partial<Record<ErrorKind, string>> = {
  auth: 'check the API key: `sstore login`, or set SGP_API_KEY',
  permission: "the API key has no access to this account (SGP_ACCOUNT_ID, or the profile's --account), or lacks a permission",
};

/**
 * FastAPI's errors (SGP): `{"detail": "message"}`, or for validation `{"detail": [{loc, msg, type}, ...]}`, whose
 * messages are joined into one line (`key: String should match pattern ...; value: Field required`).
 */
export function sgpError(status: number, body: unknown): SstoreError {
  const detail = typeof body === 'object' && body !== null ? (body as { detail?: unknown }).detail : undefined;
  let details: ErrorDetail[] = [];
  if (typeof detail === 'string') details = [{ message: detail }];
  else if (Array.isArray(detail)) {
    details = detail
      .filter((i): i is FastApiIssue => typeof i === 'object' && i !== null)
      .map((i) => {
        const field = fieldOf(i.loc);
        const msg = typeof i.msg === 'string' ? i.msg : 'invalid';
        return { message: field ? `${field}: ${msg}` : msg };
      });
  }
  const message = details.length > 0 ? details.map((d) => d.message).join('; ') : `the API answered HTTP ${status}`;
  const kind = kindWithQuota(status, message);
  const hint = HINTS[kind];
  return new SstoreError(kind, framed(status, message), { status, details, ...(hint !== undefined && { hint }) });
}
