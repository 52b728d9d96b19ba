import * as v from 'valibot';
import { SstoreError } from '../../../errors.ts';
import { SCOPES } from '../../../engine/types.ts';

/** Names: letters, digits, `_` and `-` (what wrangler checks, without its `A-z` slip); no spaces. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const MAX_NAME_LENGTH = 255;
export const MAX_COMMENT_LENGTH = 4096;

/** Messages are `reason: text`; `parse` splits them into the error's reason and message. */
const name = (what: 'secret' | 'store') =>
  v.pipe(
    v.string(`${what}_name_invalid: the ${what} name must be a string`),
    v.minLength(1, `${what}_name_empty: the ${what} name is empty`),
    v.maxLength(MAX_NAME_LENGTH, `${what}_name_invalid: the ${what} name is longer than ${MAX_NAME_LENGTH} characters`),
    v.regex(NAME_PATTERN, `${what}_name_invalid: the ${what} name may only contain letters, digits, underscores and dashes`),
  );

const scopes = v.pipe(
  v.array(v.picklist(SCOPES, `secret_scope_invalid: scopes must be among ${SCOPES.join(', ')}`), 'secret_scope_invalid: scopes must be an array'),
  v.minLength(1, 'secret_scopes_empty: at least one scope is required'),
  v.transform((list) => [...new Set(list)]),
);

const comment = v.pipe(v.string('comment must be a string'), v.maxLength(MAX_COMMENT_LENGTH, `comment is longer than ${MAX_COMMENT_LENGTH} characters`));

const value = v.string('value must be a string');

export const CreateSecret = v.object({
  name: name('secret'),
  value,
  scopes,
  comment: v.optional(v.nullable(comment)),
});
export const CreateSecrets = v.pipe(v.array(CreateSecret, 'the body must be an array of secrets'), v.minLength(1, 'the body must hold at least one secret'));

export const PatchSecret = v.object({
  value: v.optional(value),
  scopes: v.optional(scopes),
  comment: v.optional(v.nullable(comment)),
});

export const DuplicateSecret = v.object({
  name: name('secret'),
  scopes,
  comment: v.optional(v.nullable(comment)),
});

const ids = v.array(v.string('ids must be strings'), 'ids must be an array');
/** `{"ids": [...]}`, or the legacy `[{"id": ...}]`. */
export const DeleteSecrets = v.union(
  [
    v.pipe(v.object({ ids: v.pipe(ids, v.minLength(1, 'ids must not be empty')) }), v.transform((body) => body.ids)),
    v.pipe(
      v.array(v.object({ id: v.string('id must be a string') })),
      v.minLength(1, 'the body must name at least one secret'),
      v.transform((list) => list.map((item) => item.id)),
    ),
  ],
  'the body must be {"ids": [...]}',
);

export const CreateStore = v.object({ name: name('store') });
/** The legacy form: an array of one or more stores. */
export const CreateStores = v.pipe(v.array(CreateStore), v.minLength(1, 'the body must hold at least one store'));

export const CreateSystemStore = v.object({
  name: name('store'),
  account_id: v.pipe(v.union([v.number(), v.string()], 'account_id must be an integer'), v.check((x) => /^\d+$/.test(String(x)), 'account_id must be an integer')),
});

export function parse<const S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const match = /^([a-z_]+): (.*)$/s.exec(issue.message);
  const text = match ? match[2]! : issue.message;
  const path = issue.path?.map((p) => String(p.key)).join('.');
  throw new SstoreError('validation', path ? `${path}: ${text}` : text, { reason: match ? match[1]! : 'invalid_request' });
}
