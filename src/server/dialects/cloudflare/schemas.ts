import * as v from 'valibot';
import { SstoreError } from '../../../errors.ts';
import { SCOPES } from '../../../engine/types.ts';

/** Names: letters, digits, `_` and `-` (what wrangler checks, without its `A-z` slip); no spaces. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const MAX_NAME_LENGTH = 255;
export const MAX_COMMENT_LENGTH = 4096;

/*
 * Every schema carries its own messages: valibot's defaults quote the received input, and the input may be a value.
 * Messages are `reason: text`; `parse` splits them into the error's reason and message.
 */
const INVALID = 'invalid_request';

const name = (what: 'secret' | 'store') =>
  v.pipe(
    v.string(`${what}_name_invalid: the ${what} name must be a string`),
    v.minLength(1, `${what}_name_empty: the ${what} name is empty`),
    v.maxLength(MAX_NAME_LENGTH, `${what}_name_invalid: the ${what} name is longer than ${MAX_NAME_LENGTH} characters`),
    v.regex(NAME_PATTERN, `${what}_name_invalid: the ${what} name may only contain letters, digits, underscores and dashes`),
  );

const scopes = v.pipe(
  v.array(
    v.picklist(SCOPES, `secret_scope_invalid: scopes must be among ${SCOPES.join(', ')}`),
    'secret_scope_invalid: scopes must be an array',
  ),
  v.minLength(1, 'secret_scopes_empty: at least one scope is required'),
  v.transform((list) => [...new Set(list)]),
);

const comment = v.pipe(
  v.string(`${INVALID}: comment must be a string`),
  v.maxLength(MAX_COMMENT_LENGTH, `${INVALID}: comment is longer than ${MAX_COMMENT_LENGTH} characters`),
);

const value = v.string(`${INVALID}: value must be a string`);

const object = <E extends v.ObjectEntries>(entries: E, what: string) => v.object(entries, `${INVALID}: ${what} must be a JSON object`);

export const CreateSecret = object(
  {
    name: name('secret'),
    value,
    scopes,
    comment: v.optional(v.nullable(comment)),
  },
  'each secret',
);
export const CreateSecrets = v.pipe(
  v.array(CreateSecret, `${INVALID}: the body must be an array of secrets`),
  v.minLength(1, `${INVALID}: the body must hold at least one secret`),
);

export const PatchSecret = object(
  {
    value: v.optional(value),
    scopes: v.optional(scopes),
    comment: v.optional(v.nullable(comment)),
  },
  'the body',
);

export const DuplicateSecret = object(
  {
    name: name('secret'),
    scopes,
    comment: v.optional(v.nullable(comment)),
  },
  'the body',
);

const ids = v.array(v.string(`${INVALID}: ids must be strings`), `${INVALID}: ids must be an array`);
/** `{"ids": [...]}`, or the legacy `[{"id": ...}]`. */
export const DeleteSecrets = v.union(
  [
    v.pipe(
      object({ ids: v.pipe(ids, v.minLength(1, `${INVALID}: ids must not be empty`)) }, 'the body'),
      v.transform((body) => body.ids),
    ),
    v.pipe(
      v.array(object({ id: v.string(`${INVALID}: id must be a string`) }, 'each item'), `${INVALID}: the body must be {"ids": [...]}`),
      v.minLength(1, `${INVALID}: the body must name at least one secret`),
      v.transform((list) => list.map((item) => item.id)),
    ),
  ],
  `${INVALID}: the body must be {"ids": [...]}`,
);

export const CreateStore = object({ name: name('store') }, 'the body');
/** The legacy form: an array of stores. */
export const CreateStores = v.pipe(
  v.array(CreateStore, `${INVALID}: the body must be {"name": ...}`),
  v.minLength(1, `${INVALID}: the body must hold at least one store`),
);

export const CreateSystemStore = object(
  {
    name: name('store'),
    account_id: v.pipe(
      v.union([v.number(), v.string()], `${INVALID}: account_id must be an integer`),
      v.check((x) => /^\d{1,19}$/.test(String(x)), `${INVALID}: account_id must be an integer`),
    ),
  },
  'the body',
);

export function parse<const S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const match = /^([a-z_]+): (.*)$/s.exec(issue.message);
  // A message without a reason came from a valibot default, which may quote the input: say less.
  const text = match ? match[2]! : 'the request body does not have the expected shape';
  const path = issue.path?.map((p) => String(p.key)).join('.');
  throw new SstoreError('validation', path ? `${path}: ${text}` : text, { reason: match ? match[1]! : INVALID });
}
