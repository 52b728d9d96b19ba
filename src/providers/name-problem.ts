import { SstoreError } from '../errors.ts';

/** Where values come from; the hint for every mistake that puts a value where a name goes. */
export const VALUE_SOURCES_HINT = 'values are read from stdin, a prompt, --from-env or --from-file, never from a name argument';

/**
 * Text that looks like a name in some provider or dotenv file (`bad.key`, `Not_A_Key`) is shown back in errors; any
 * other text (`DB_PASSWORD=s3cr3t`, `my secret`, a line break, non-ASCII) may be a value typed in the wrong place,
 * so it is never shown: the error gives the position of the first character that breaks the rule instead.
 */
const NAME_SHAPED = /^[A-Za-z0-9_.-]{1,255}$/;

/** A name for an error message: quoted when it looks like a name, else not shown (it may be a value). */
export function shownName(name: string): string {
  return NAME_SHAPED.test(name) ? `"${name}"` : '(a name not shown: it may be a value)';
}

function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '\n' || ch === '\r') return 'a line break';
  if (ch === '\t') return 'a tab';
  if (/^[!-/:-@[-`{-~]$/.test(ch)) return `"${ch}"`;
  if (/^[A-Z]$/.test(ch)) return 'an upper-case letter';
  if (/^[\x00-\x1f\x7f]$/.test(ch)) return 'a control character';
  return 'a non-ASCII character';
}

export interface NameRule {
  /** How the provider calls a name here: "secret name", "SGP key", "Neostore key". */
  noun: string;
  /** One character the rule allows. */
  char: RegExp;
  max?: number;
  /** The rule in words: `use letters, digits, "_" and "-" (up to 255)`. */
  words: string;
  reason: string;
  /** A suggestion, only ever built from name-shaped text. */
  hint?: string;
}

/** The one way a provider refuses a name: what breaks the rule, where, and the name only when it cannot be a value. */
export function invalidName(name: string, rule: NameRule): SstoreError {
  const shown = NAME_SHAPED.test(name) ? ` "${name}"` : '';
  const chars = [...name];
  const bad = chars.findIndex((ch) => !rule.char.test(ch));
  const why =
    name === ''
      ? 'it is empty'
      : bad !== -1
        ? `character ${bad + 1} is ${describeChar(chars[bad]!)}`
        : rule.max !== undefined && chars.length > rule.max
          ? `it is ${chars.length} characters long`
          : `it starts or ends with "${chars[0] === '-' || chars[0] === '_' ? chars[0] : chars.at(-1)}"`;
  const hint = name.includes('=') ? VALUE_SOURCES_HINT : shown !== '' ? rule.hint : undefined;
  return new SstoreError('validation', `invalid ${rule.noun}${shown}${shown === '' ? ' (not shown: it may be a value)' : ''}: ${why}; ${rule.words}`, {
    reason: rule.reason,
    ...(hint !== undefined && { hint }),
  });
}
