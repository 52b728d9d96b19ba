import type { Entry } from './types.ts';

/**
 * A YAML double-quoted scalar. JSON's escaping is valid YAML; on top of it, the characters YAML 1.1 parsers treat as
 * line breaks or that YAML does not allow unescaped (DEL, C1 controls, U+2028/9, BOM, U+FFFE/F) become \uXXXX.
 */
export function yamlString(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A mapping with every key and value double-quoted: no value is ever read as a number, boolean, null or date. */
export function formatYaml(entries: readonly Entry[]): string {
  if (entries.length === 0) return '{}\n';
  return entries.map(({ name, value }) => `${yamlString(name)}: ${yamlString(value)}\n`).join('');
}
