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

/** Times are microseconds in a JS number (engine/clock.ts): exact up to ±2^53 µs, about the years 1685–2255. */
const LATEST = Number.MAX_SAFE_INTEGER;
const EARLIEST = -Number.MAX_SAFE_INTEGER;

/**
 * Microseconds since the epoch, or undefined when `text` is not a real date-time. Instants beyond what the engine
 * can hold are clamped to its edge: .NET clients send `9999-12-31T23:59:59.9999999Z` (DateTime.MaxValue) for
 * "never", and any instant past 2255 behaves the same for a validity window.
 */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number, number, number, number, number, number,
  ];
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // A rolled-over date (2025-02-30 → March 2) is not a real one.
  if (year < 1 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const [h, mm] = zone.slice(1).split(':').map(Number) as [number, number];
    if (h > 14 || mm > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (h * 60 + mm);
  }
  const micros = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  const total = (date.getTime() - offsetMinutes * 60_000) * 1000 + micros;
  return Math.min(LATEST, Math.max(EARLIEST, total));
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
    value: v.pipe(
      v.string('The value field must be a string.'),
      v.minLength(1, 'The value field is required.'),
    ),
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
    // Field names come from the client: `constructor` or `__proto__` must be plain keys, not Object.prototype's.
    const errors: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
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
