import type { Entry, ParseResult } from './types.ts';

/** `{"NAME": "value", ...}` with a trailing newline. */
export function formatJson(entries: readonly Entry[]): string {
  // fromEntries defines own properties, so a secret named __proto__ stays a plain key.
  return `${JSON.stringify(Object.fromEntries(entries.map((e) => [e.name, e.value])), null, 2)}\n`;
}

/**
 * Reads `{"NAME": "value", ...}` (the input of `import --format json`). Every problem is reported with its line:
 * invalid JSON, a top level that is not an object, a value that is not a string, a repeated name. Messages
 * never quote the file's text, since it holds secret values.
 */
export function parseJsonEntries(text: string, file: string): ParseResult {
  const result: ParseResult = { entries: [], problems: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    result.problems.push({ file, line: syntaxErrorLine(text), message: 'not valid JSON' });
    return result;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    result.problems.push({ file, line: 1, message: 'expected an object of "NAME": "value" pairs' });
    return result;
  }
  const keys = topLevelKeys(text);
  const seen = new Set<string>();
  for (const { key, line } of keys) {
    if (seen.has(key)) {
      result.problems.push({ file, line, message: `${key} is defined twice` });
      continue;
    }
    seen.add(key);
    const value = (data as Record<string, unknown>)[key];
    // Any key is read; whether the provider takes it as a name is checked by the provider's own rule.
    if (typeof value !== 'string') {
      result.problems.push({ file, line, message: `${key}: the value must be a string, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}` });
    } else {
      result.entries.push({ name: key, value, line });
    }
  }
  return result;
}

/** The keys of the top-level object, in order (repeats included), with the line each starts on. */
function topLevelKeys(text: string): Array<{ key: string; line: number }> {
  const keys: Array<{ key: string; line: number }> = [];
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      let next = i + 1;
      while (/\s/.test(text[next] ?? '')) next++;
      if (depth === 1 && text[next] === ':') keys.push({ key: JSON.parse(text.slice(start, i + 1)) as string, line });
    }
  }
  return keys;
}

/** The line of the first JSON syntax error, found by a small validator (V8's messages carry text, not positions). */
function syntaxErrorLine(text: string): number {
  return text.slice(0, jsonErrorOffset(text)).split('\n').length;
}

function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const string = () => {
    if (text[i] !== '"') fail();
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5)) : !'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
        if (text[i] === 'u') i += 4;
      }
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          ws();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (ch === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail();
    i += literal![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
  return text.length;
}
