import { SstoreError, type ErrorDetail, type ErrorKind } from '../errors.ts';
import { framed, statusKind } from '../http/errors.ts';

/** The error part of Cloudflare's v4 envelope. */
interface EnvelopeLike {
  errors?: unknown;
}

function detailsOf(body: unknown): ErrorDetail[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as EnvelopeLike).errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is { code?: unknown; message?: unknown } => typeof e === 'object' && e !== null)
    .map((e) => ({
      ...(typeof e.code === 'number' || typeof e.code === 'string' ? { code: e.code } : {}),
      message: typeof e.message === 'string' ? e.message : 'unknown error',
    }));
}

function kindFor(status: number, details: readonly ErrorDetail[], reason: string | undefined): ErrorKind {
  const text = details.map((d) => d.message.toLowerCase().replaceAll('_', ' ')).join(' ');
  const has1003 = details.some((d) => Number(d.code) === 1003);
  // A local server names the condition: a value or body over its limit is a limit, whatever the status.
  if (reason?.endsWith('_too_large')) return 'quota';
  if (has1003 && text.includes('exceeded')) return 'quota';
  if (has1003 && text.includes('already exists')) return 'conflict';
  return statusKind(status);
}

const HINTS: Partial<Record<ErrorKind, string>> = {
  auth: 'check the token: `sstore login`, or set SSTORE_API_TOKEN',
  permission: 'the token needs the Secrets Store Read (and Write, to change things) permission on this account',
  quota: 'see `sstore quota`; delete secrets you no longer need',
};

/** A local sstore server names the permission a token lacks; its fix is a new local token, not a Cloudflare one. */
function localPermissionHint(reason: string | undefined, message: string): string | undefined {
  if (reason !== 'permission_denied') return undefined;
  const permission = /lacks the "([a-z]+)" permission/.exec(message)?.[1];
  if (permission === undefined) return undefined;
  const wanted = permission === 'read' ? 'read' : `read,${permission}`;
  return `ask for a token that has it: sstore server token create --name NAME --permissions ${wanted}`;
}

/**
 * One typed error from a failed response: kind from the status (and Cloudflare's code 1003 for exceeded limits and
 * name clashes), the API's codes and messages kept as details. The local server writes `reason: text`; the reason is
 * split off so the message reads as a sentence.
 */
export function cloudflareError(status: number, body: unknown): SstoreError {
  const details = detailsOf(body);
  const first = details[0];
  let message = first?.message ?? `the API answered HTTP ${status}`;
  let reason: string | undefined;
  const match = /^([a-z][a-z0-9_]*): (.+)$/s.exec(message);
  if (match) {
    reason = match[1];
    message = match[2]!;
  }
  const kind = kindFor(status, details, reason);
  if (first?.code !== undefined && !match) message = `${message} (code ${first.code})`;
  // A value over a limit is not helped by deleting secrets: the message says the limit, and that is the hint.
  const hint = localPermissionHint(reason, message) ?? (reason?.endsWith('_too_large') ? undefined : HINTS[kind]);
  return new SstoreError(kind, framed(status, message), {
    status,
    details,
    ...(reason !== undefined && { reason }),
    ...(hint !== undefined && { hint }),
  });
}
