import * as v from 'valibot';
import { ValidationProblem } from './problem.ts';

/** "Alphanumeric characters and hyphens only; case-sensitive." ASCII only and the length cap are local choices. */
export const KEY_PATTERN = /^[A-Za-z0-9-]+$/;
export const MAX_KEY_LENGTH = 255;
/** Neostore gives the tenant id no format; this admits GUIDs and slugs. */
export const TENANT_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A UTC date-time as .NET reads one: date, optional time, seconds and fraction (up to 7 digits, .NET's ticks), and
 * an optional `Z` or offset; without one, the time is taken as UTC ("UTC date/time" in the schema).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|z|[+-]\d{2}:\d{2})?$/;

/** Microseconds since the epoch, or undefined when `text` is not a real date-time. */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number, number, number, number, number, number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March; a real date survives the round trip.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const [h, mm] = zone.slice(1).split(':').map(Number) as [number, number];
    if (h > 14 || mm > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (h * 60 + mm);
  }
  const micros = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}

/** Messages are ASP.NET-like; they never repeat the input, which may be a secret value. */
const dateTime = (field: string) =>
  v.nullable(
    v.pipe(
      v.string(`The ${field} field must be a date-time string.`),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        const micros = parseDateTime(dataset.value);
        if (micros === undefined) {
          addIssue({ message: `The ${field} field is not a valid date-time; use ISO 8601, e.g. 2025-06-30T23:59:59Z.` });
          return NEVER;
        }
        return micros;
      }),
    ),
  );

const Options = v.strictObject(
  { expiresOn: v.optional(dateTime('expiresOn')), notBefore: v.optional(dateTime('notBefore')) },
  'The options field must be an object with only expiresOn and notBefore.',
);

/** `SetRequest` (additionalProperties: false): unknown fields are refused rather than silently dropped. */
export const SetRequest = v.strictObject(
  {
    // ASP.NET's [Required] (implied for a non-nullable string) refuses an empty string too.
    value: v.pipe(v.string('The value field must be a string.'), v.minLength(1, 'The value field is required.')),
    options: v.optional(v.nullable(Options)),
  },
  'The request body must be a JSON object with value and, optionally, options.',
);

export interface SetInput {
  value: string;
  notBefore: number | null;
  expiresOn: number | null;
}

function fieldOf(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((p) => String(p.key)) ?? [];
  return path.length > 0 ? path.join('.') : '$';
}

/** valibot reports missing and unknown keys of a strict object as the object's own issue; name them plainly. */
function messageOf(issue: v.BaseIssue<unknown>, field: string): string {
  if (issue.type !== 'strict_object') return issue.message;
  if (issue.expected === 'never') return `Unknown field "${field}".`;
  if (issue.received === 'undefined') return `The ${field} field is required.`;
  return issue.message;
}

export function parseSetRequest(input: unknown): SetInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationProblem({ $: ['The request body must be a JSON object with value and, optionally, options.'] });
  }
  const result = v.safeParse(SetRequest, input);
  if (!result.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of result.issues) {
      const field = fieldOf(issue);
      (errors[field] ??= []).push(messageOf(issue, field));
    }
    throw new ValidationProblem(errors);
  }
  const notBefore = result.output.options?.notBefore ?? null;
  const expiresOn = result.output.options?.expiresOn ?? null;
  if (notBefore !== null && expiresOn !== null && expiresOn <= notBefore) {
    throw new ValidationProblem({ options: ['expiresOn must be later than notBefore.'] });
  }
  return { value: result.output.value, notBefore, expiresOn };
}

/** Outside [notBefore, expiresOn) a secret reads as missing. */
export function isValidAt(secret: { notBefore: number | null; expiresOn: number | null }, nowMicros: number): boolean {
  return (secret.notBefore === null || nowMicros >= secret.notBefore) && (secret.expiresOn === null || nowMicros < secret.expiresOn);
}
