/**
 * The one error type of sstore. Every layer throws it; the server maps `kind` to a status and an API error code,
 * the CLI maps it to a one-line message and an exit code.
 */
export type ErrorKind =
  | 'validation' // bad input: flags, bodies, names, values
  | 'usage' // the command line itself is wrong (CLI only)
  | 'not_found'
  | 'conflict' // exists already, store not empty
  | 'auth' // no or bad credentials
  | 'permission' // credentials fine, not allowed
  | 'quota' // a limit would be exceeded
  | 'network' // unreachable, timed out, 5xx after retries
  | 'unsupported' // the provider cannot do this
  | 'cancelled' // the user answered no to a question (CLI only)
  | 'internal';

export interface ErrorDetail {
  /** The provider's numeric or string code, when the error came from an API. */
  code?: number | string;
  message: string;
}

export class SstoreError extends Error {
  readonly kind: ErrorKind;
  /** A short machine-readable reason, e.g. `secret_name_already_exists`. */
  readonly reason: string | undefined;
  readonly hint: string | undefined;
  readonly status: number | undefined;
  readonly details: readonly ErrorDetail[];

  constructor(
    kind: ErrorKind,
    message: string,
    options: { reason?: string; hint?: string; status?: number; details?: ErrorDetail[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SstoreError';
    this.kind = kind;
    this.reason = options.reason;
    this.hint = options.hint;
    this.status = options.status;
    this.details = options.details ?? [];
  }
}

export function isSstoreError(error: unknown): error is SstoreError {
  return error instanceof SstoreError;
}
