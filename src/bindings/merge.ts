import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js'; // the ESM build: the package's main is a UMD file whose dynamic requires esbuild cannot follow
import { parse as parseToml } from 'smol-toml';
import { isDeepStrictEqual } from 'node:util';
import { SstoreError } from '../errors.ts';
import { jsoncBinding, renderTomlTable, type Binding } from './render.ts';


/**
 * Merges bindings into the text of an existing wrangler config, keeping everything else as it was (comments, other
 * keys, their order and spacing): a binding already there under the same name is replaced when it differs, a new one
 * is added after the others. Returns the new text; each merge checks its result by parsing it before it is used.
 */
const KEY = 'secrets_store_secrets';

function invalid(file: string, what: string, hint?: string): SstoreError {
  return new SstoreError('validation', `${file}: ${what}; nothing was written`, { reason: 'wrangler_config_invalid', ...(hint && { hint }) });
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Parsers build objects without a prototype; compared as the JSON they stand for. */
function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

function sameBinding(value: unknown, b: Binding): boolean {
  return same(value, b);
}

/** The indentation unit the file already uses (its first indented line), so inserted lines look like their neighbours. */
function indentUnit(text: string): string {
  return /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/**
 * Inserts `addition` as the next item after the node ending at `end` (the last property or array element): on a new
 * line with `indent`. A comma or a comment after that node on its line stays on that line, with that node.
 */
function insertAfter(text: string, end: number, addition: string, indent: string, eol: string): string {
  let at = end;
  while (text[at] === ' ' || text[at] === '\t') at++;
  const comma = text[at] === ',';
  if (comma) at++;
  const newline = text.indexOf('\n', at);
  const lineEnd = newline === -1 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
  const rest = text.slice(at, lineEnd).trim();
  const onlyComment = rest === '' || rest.startsWith('//') || (rest.startsWith('/*') && rest.endsWith('*/') && !rest.slice(2, -2).includes('*/'));
  if (onlyComment) return `${text.slice(0, end)}${comma ? '' : ','}${text.slice(end, lineEnd)}${eol}${indent}${addition}${text.slice(lineEnd)}`;
  // Something else follows on the line (a one-line object): a trailing comma there stays valid after the addition.
  return `${text.slice(0, end)},${eol}${indent}${addition}${text.slice(end)}`;
}

function parseJsonc(text: string, file: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || root === undefined) {
    const first = errors[0];
    throw invalid(file, first ? `not valid JSONC: ${printParseErrorCode(first.error)} on line ${lineOf(text, first.offset)}` : 'empty');
  }
  if (root.type !== 'object') throw invalid(file, 'not a JSON object');
  return root;
}

export function mergeJsonc(text: string, bindings: readonly Binding[], file: string): string {
  const root = parseJsonc(text, file);
  const unit = indentUnit(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let out = text;
  const current = findNodeAtLocation(root, [KEY]);
  if (current !== undefined && current.type !== 'array') throw invalid(file, `"${KEY}" is not an array`);
  const missing: Binding[] = [];
  for (const b of bindings) {
    const list = findNodeAtLocation(parseJsonc(out, file), [KEY]);
    const children = list?.children ?? [];
    const at = children.findIndex((node) => (getNodeValue(node) as { binding?: unknown } | null)?.binding === b.binding);
    if (at === -1) missing.push(b);
    else if (!sameBinding(getNodeValue(children[at]!), b)) {
      const node = children[at]!;
      out = `${out.slice(0, node.offset)}${jsoncBinding(b)}${out.slice(node.offset + node.length)}`;
    }
  }
  for (const b of missing) {
    const tree = parseJsonc(out, file);
    const list = findNodeAtLocation(tree, [KEY]);
    if (list === undefined) {
      // A new property after the root's last one, holding every missing binding.
      const last = tree.children?.at(-1);
      const indent = last ? lineIndent(out, last.offset) : unit;
      const items = missing.map((m) => `${indent}${unit}${jsoncBinding(m)}`).join(`,${eol}`);
      const property = `"${KEY}": [${eol}${items}${eol}${indent}]`;
      out = last ? insertAfter(out, last.offset + last.length, property, indent, eol) : `${out.slice(0, tree.offset + 1)}${eol}${unit}${property}${eol}${out.slice(tree.offset + 1).replace(/^\s*/, '')}`;
      break;
    }
    const last = list.children?.at(-1);
    if (last) {
      out = insertAfter(out, last.offset + last.length, jsoncBinding(b), lineIndent(out, last.offset), eol);
    } else {
      const indent = lineIndent(out, list.offset);
      out = `${out.slice(0, list.offset)}[${eol}${indent}${unit}${jsoncBinding(b)}${eol}${indent}]${out.slice(list.offset + list.length)}`;
    }
  }
  const merged = getNodeValue(parseJsonc(out, file)) as Record<string, unknown>;
  checkMerged(merged, getNodeValue(root) as Record<string, unknown>, bindings, file);
  return out;
}

/** `[[secrets_store_secrets]]` tables of a TOML file: where each starts and ends (before trailing blank or comment lines). */
function tomlTables(lines: readonly string[]): Array<{ start: number; end: number }> {
  const tables: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\[\[\s*secrets_store_secrets\s*\]\]\s*(#.*)?$/.test(lines[i]!)) continue;
    let end = i + 1;
    while (end < lines.length && !/^\s*\[/.test(lines[end]!)) end++;
    while (end > i + 1 && /^\s*(#.*)?$/.test(lines[end - 1]!)) end--;
    tables.push({ start: i, end });
  }
  return tables;
}

function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const line = (error as { line?: number }).line;
    throw invalid(file, `not valid TOML${line !== undefined ? ` (line ${line})` : ''}`);
  }
}

export function mergeToml(text: string, bindings: readonly Binding[], file: string): string {
  const before = parseTomlText(text, file);
  if (/^\s*secrets_store_secrets\s*=/m.test(text)) {
    throw invalid(file, `${KEY} is written as an inline array`, `sstore merges [[${KEY}]] tables: turn it into tables, or paste the output of \`sstore bindings --format toml\``);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const tables = tomlTables(lines);
  const bindingOf = (t: { start: number; end: number }) => parseTomlText(lines.slice(t.start + 1, t.end).join('\n'), file);
  const existing = tables.map((t) => ({ ...t, value: bindingOf(t) }));
  const replace = new Map<number, string[]>();
  const added: string[] = [];
  for (const b of bindings) {
    const found = existing.find((t) => t.value.binding === b.binding);
    const block = renderTomlTable(b).trimEnd().split('\n');
    if (!found) added.push('', ...block);
    else if (!sameBinding(found.value, b)) replace.set(found.start, block);
  }
  const out: string[] = [];
  const lastEnd = existing.at(-1)?.end;
  for (let i = 0; i < lines.length; i++) {
    const table = existing.find((t) => t.start === i);
    if (table && replace.has(i)) {
      out.push(...replace.get(i)!);
      i = table.end - 1;
    } else {
      out.push(lines[i]!);
    }
    if (lastEnd !== undefined && i === lastEnd - 1) out.push(...added);
  }
  if (lastEnd === undefined && added.length > 0) {
    while (out.length > 0 && out.at(-1) === '') out.pop();
    out.push(...(out.length === 0 ? added.slice(1) : added), '');
  }
  const merged = out.join(eol);
  checkMerged(parseTomlText(merged, file), before, bindings, file);
  return merged;
}

/**
 * The merge's own proof, before anything is written: every other key is as it was, every binding of this run is
 * there exactly once, and the bindings that were there and are not of this run are kept.
 */
function checkMerged(merged: Record<string, unknown>, before: Record<string, unknown>, bindings: readonly Binding[], file: string): void {
  const { [KEY]: after, ...rest } = merged;
  const { [KEY]: previous, ...restBefore } = before;
  const list = Array.isArray(after) ? (after as unknown[]) : [];
  const ours = new Set(bindings.map((b) => b.binding));
  const kept = (Array.isArray(previous) ? (previous as unknown[]) : []).filter((item) => !ours.has((item as { binding?: string }).binding ?? ''));
  const ok =
    same(rest, restBefore) &&
    bindings.every((b) => list.filter((item) => sameBinding(item, b)).length === 1) &&
    kept.every((item) => list.some((x) => same(x, item)));
  if (!ok) throw new SstoreError('internal', `${file}: the merged file did not check out; nothing was written`, { reason: 'merge_failed' });
}
