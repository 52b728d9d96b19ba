import { SstoreError, type ErrorDetail, type ErrorKind } from '../errors.ts';
import { framed, kindWithQuota } from '../http/errors.ts';

const HINTS: Partial<Record<ErrorKind, string>> = {
  auth: 'check the API key (`sstore login`, or NEOSTORE_API_KEY): it needs Secret.Read, and Secret.Write to change secrets, on this tenant',
  permission: 'the API key needs Secret.Read, and Secret.Write to change secrets, on this tenant',
};

/**
 * RFC 9457 ProblemDetails (Neostore): `detail`, else the validation `errors` (`{"key": ["message"]}`) as
 * `key: message`, else `title`.
 */
export function neostoreError(status: number, body: unknown): SstoreError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as { title?: unknown; detail?: unknown; errors?: unknown };
  const details: ErrorDetail[] = [];
  if (typeof problem.errors === 'object' && problem.errors !== null && !Array.isArray(problem.errors)) {
    for (const [field, messages] of Object.entries(problem.errors)) {
      const text = (Array.isArray(messages) ? messages : [messages]).map(String).join(' ');
      details.push({ message: field && field !== '$' ? `${field}: ${text}` : text });
    }
  }
  const message =
    typeof problem.detail === 'string' && problem.detail !== ''
      ? problem.detail
      : details.length > 0
        ? details.map((d) => d.message).join('; ')
        : typeof problem.title === 'string' && problem.title !== ''
          ? problem.title
          : `the API answered HTTP ${status}`;
  const kind = kindWithQuota(status, message);
  const hint = HINTS[kind];
  return new SstoreError(kind, framed(status, message), { status, details, ...(hint !== undefined && { hint }) });
}
