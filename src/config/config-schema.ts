import * as v from 'valibot';
import { SstoreError } from '../errors.ts';
import { PROVIDER_NAMES } from '../provider-names.ts';

/**
 * `config.json` is read as input from outside: checked against this schema before use, so a damaged file or an
 * unknown provider is one line naming the file (exit 2), never a crash deeper down. Unknown keys are kept and
 * ignored, so a newer sstore's file still loads.
 */
const StoredProfile = v.looseObject({
  provider: v.picklist(PROVIDER_NAMES),
  url: v.optional(v.string()),
  account: v.string(),
  store: v.optional(v.string()),
  local: v.optional(v.boolean()),
});

const ConfigSchema = v.looseObject({
  active: v.optional(v.string()),
  profiles: v.optional(v.record(v.string(), StoredProfile)),
  local: v.optional(v.looseObject({ store: v.optional(v.string()) })),
});

export type CheckedConfig = v.InferOutput<typeof ConfigSchema>;

const FIX = 'fix or remove the file; it holds profiles only, never tokens';

/** The file's text as a checked config, or a usage error naming the file and the first wrong field. */
export function parseConfig(text: string, file: string): CheckedConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SstoreError('usage', `${file} is not valid JSON`, { reason: 'config_invalid', hint: FIX });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SstoreError('usage', `${file} is not a valid sstore config: expected a JSON object`, { reason: 'config_invalid', hint: FIX });
  }
  const result = v.safeParse(ConfigSchema, json);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.');
  const expected = (issue.expected ?? 'something else').replace(/^\((.*)\)$/, '$1');
  const message = path ? `${path} is ${issue.received}, expected ${expected}` : `expected ${expected}`;
  throw new SstoreError('usage', `${file} is not a valid sstore config: ${message}`, { reason: 'config_invalid', hint: FIX });
}
