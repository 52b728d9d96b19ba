import { SstoreError } from '../errors.ts';

/**
 * The `secrets_store_secrets` block of a Worker's wrangler config: one binding per secret, naming the store by id and
 * the secret by name (wrangler's config schema: `binding`, `store_id`, `secret_name`, nothing else).
 */
export interface Binding {
  binding: string;
  store_id: string;
  secret_name: string;
}

export const BINDING_FORMATS = ['jsonc', 'toml'] as const;
export type BindingFormat = (typeof BINDING_FORMATS)[number];

export const BINDING_CASES = ['upper', 'camel', 'as-is'] as const;
export type BindingCase = (typeof BINDING_CASES)[number];

/** The words of a name: split at anything but a letter or digit, and where a lower-case letter meets an upper-case one. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** A binding is a JavaScript identifier: a leading digit goes behind `_`. */
function identifier(text: string): string {
  return /^[0-9]/.test(text) ? `_${text}` : text;
}

/**
 * The variable a Worker reads the secret through (`env.DB_PASSWORD`): `upper` (the default, as wrangler's examples)
 * `db-password`, `dbPassword` → `DB_PASSWORD`; `camel` → `dbPassword`; `as-is` keeps the secret's name.
 */
export function bindingName(name: string, style: BindingCase): string {
  if (style === 'as-is') return name;
  const parts = words(name);
  if (style === 'upper') return identifier(parts.map((w) => w.toUpperCase()).join('_'));
  return identifier(parts.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join(''));
}

/** One binding per secret; two secrets that would share a binding are an error naming both, never one lost. */
export function makeBindings(storeId: string, names: readonly string[], style: BindingCase): Binding[] {
  const seen = new Map<string, string>();
  return names.map((name) => {
    const binding = bindingName(name, style);
    const earlier = seen.get(binding);
    if (earlier !== undefined) {
      throw new SstoreError('validation', `secrets "${earlier}" and "${name}" would both be bound as ${binding}`, {
        reason: 'binding_collision',
        hint: '--only leaves one of them out, or --binding-case as-is keeps the names',
      });
    }
    seen.set(binding, name);
    return { binding, store_id: storeId, secret_name: name };
  });
}

const str = (s: string) => JSON.stringify(s);

/** One binding on one line: `{ "binding": "A", "store_id": "…", "secret_name": "a" }`. */
export function jsoncBinding(b: Binding): string {
  return `{ "binding": ${str(b.binding)}, "store_id": ${str(b.store_id)}, "secret_name": ${str(b.secret_name)} }`;
}

/** A JSONC object holding the block, as it sits in wrangler.jsonc (one binding per line). */
export function renderJsonc(bindings: readonly Binding[], comment: string): string {
  const lines = bindings.map((b, i) => `    ${jsoncBinding(b)}${i < bindings.length - 1 ? ',' : ''}`);
  return [`// ${comment}`, '{', `  "secrets_store_secrets": [${bindings.length === 0 ? ']' : ''}`, ...(bindings.length === 0 ? [] : [...lines, '  ]']), '}', ''].join('\n');
}

/** One `[[secrets_store_secrets]]` table per binding, as they sit in wrangler.toml. */
export function renderTomlTable(b: Binding): string {
  return `[[secrets_store_secrets]]\nbinding = ${str(b.binding)}\nstore_id = ${str(b.store_id)}\nsecret_name = ${str(b.secret_name)}\n`;
}

export function renderToml(bindings: readonly Binding[], comment: string): string {
  return [`# ${comment}`, ...bindings.map(renderTomlTable)].join('\n');
}
