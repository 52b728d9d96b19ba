import * as v from 'valibot';
import type { Context } from 'hono';
import { readJsonBody } from '../../body.ts';
import { type FastApiIssue, FastApiValidationError } from './errors.ts';

/** The current rule (docs.gp.scale.com): lowercase letters, digits and inner hyphens, 1–90 characters. */
export const KEY_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const MAX_KEY_LENGTH = 90;
/** Not documented by SGP; the same cap as a Cloudflare comment, so a description can never fill the database. */
export const MAX_DESCRIPTION_LENGTH = 4096;

/**
 * Messages are `pydantic_type: text` with pydantic v2's wording, so a 422 reads like FastAPI's. They never include the
 * input: a value must not come back in an error.
 */
const text = v.string('string_type: Input should be a valid string');

const key = v.pipe(
  text,
  v.minLength(1, 'string_too_short: String should have at least 1 character'),
  v.maxLength(MAX_KEY_LENGTH, `string_too_long: String should have at most ${MAX_KEY_LENGTH} characters`),
  v.regex(KEY_PATTERN, `string_pattern_mismatch: String should match pattern '${KEY_PATTERN.source}'`),
);

const value = v.pipe(
  text,
  v.minLength(1, 'string_too_short: String should have at least 1 character'),
);

const description = v.nullable(
  v.pipe(text, v.maxLength(MAX_DESCRIPTION_LENGTH, `string_too_long: String should have at most ${MAX_DESCRIPTION_LENGTH} characters`)),
);

/** Unknown fields are ignored, as pydantic does by default. */
export const CreateSecret = v.object({ key, value, description: v.optional(description) });

/** Both optional; `description: null` clears it (a local choice, UNCONFIRMED upstream). */
export const UpdateSecret = v.object({ value: v.optional(value), description: v.optional(description) });

function isPlainObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

function toFastApi(issue: v.BaseIssue<unknown>): FastApiIssue {
  const path = issue.path?.map((p) => p.key as string | number) ?? [];
  if (issue.type === 'object' && path.length > 0 && issue.received === 'undefined') {
    return { loc: ['body', ...path], msg: 'Field required', type: 'missing' };
  }
  const match = /^([a-z_]+): (.*)$/s.exec(issue.message);
  return { loc: ['body', ...path], msg: match ? match[2]! : issue.message, type: match ? match[1]! : 'value_error' };
}

/** Validates a JSON body: every problem at once, one per field (pydantic reports the first failing rule of a field). */
export function parseBody<const S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  if (!isPlainObject(input)) {
    throw new FastApiValidationError([
      { loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', type: 'model_attributes_type' },
    ]);
  }
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const seen = new Set<string>();
  const issues: FastApiIssue[] = [];
  for (const issue of result.issues.map(toFastApi)) {
    const where = JSON.stringify(issue.loc);
    if (seen.has(where)) continue;
    seen.add(where);
    issues.push(issue);
  }
  throw new FastApiValidationError(issues);
}

/** The raw body as JSON, with FastAPI's 422s for a missing, malformed or altered one. */
export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const body = await readJsonBody(c, maxBytes);
  if (body.ok) return body.value;
  if (body.problem === 'empty') throw new FastApiValidationError([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  if (body.problem === 'malformed') throw new FastApiValidationError([{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]);
  throw new FastApiValidationError([
    { loc: ['body', ...body.path], msg: 'Input should be a valid string, unable to parse raw data as a unicode string', type: 'string_unicode' },
  ]);
}
