import * as v from 'valibot';
import { SstoreError } from '../errors.ts';
import type { Raw } from './provider.ts';

/**
 * Responses are input from outside: every field a provider reads is checked here against a schema before use, so a
 * missing id is an error naming the field, never the string "undefined". `raw` is the object exactly as the API sent
 * it (key order included), for `--json`.
 */
export function parseResponse<S extends v.GenericSchema>(schema: S, value: unknown, expected: string): { data: v.InferOutput<S>; raw: Raw } {
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.');
    // Never `issue.received` itself: the field may hold a value. Only whether it was there at all.
    const what = issue.received === 'undefined' ? 'missing' : `expected ${issue.type === 'loose_object' ? 'an object' : (issue.expected ?? 'something else')}`;
    const where = path ? ` (${path}: ${what})` : ` (${what})`;
    throw new SstoreError('internal', `the API answered with an unexpected ${expected}${where}`, { reason: 'bad_response' });
  }
  return { data: result.output, raw: value as Raw };
}

/** A string field the API may leave out (or send as null). */
export const maybeString = v.nullish(v.string());
