import { SstoreError } from '../errors.ts';
import type { Raw } from './provider.ts';

/** A JSON object from a response, or a `bad_response` error: `expected` ends "the API answered with an unexpected …". */
export function rawObject(value: unknown, expected: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SstoreError('internal', `the API answered with an unexpected ${expected}`, { reason: 'bad_response' });
  }
  return value as Raw;
}

/** A response field that should be a string; anything else reads as absent. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
