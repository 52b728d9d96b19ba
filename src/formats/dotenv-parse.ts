import type { ParseResult, Problem } from './types.ts';

// The grammar of the `dotenv` package (v18, both its default regex parser and its `fast` scanner), written out as a
// scanner so that every line it would silently skip or misread becomes a problem with a line number instead. For a
// file with no problems, the entries equal `dotenv.parse(text)`; the unit tests check that on generated files.
//
// Where dotenv is lenient in a way that hides mistakes, this parser reports a problem instead of guessing:
// a line that is not `NAME=value` (dotenv skips it), a quote that is never closed (dotenv keeps the quote as part of the value), a name defined twice (dotenv keeps
// the last), and the line-continuation quirks of its regex (`NAME:\nvalue`, `NAME=\n'value'`). Names are dotenv's
// (`my-key`, `a.b`, `2fa` included): whether the provider takes them is checked later, by the provider's own rule.
//
// No message quotes text that is not in a name's place: a line that is not `NAME=value` is most often the second
// line of an unquoted multi-line value (a PEM key), so it is reported by number only.

const QUOTES = new Set(["'", '"', '`']);
const KEY_CHAR = /[\w.-]/;

/** Whitespace other than a line feed: what may sit between tokens on one line. */
function isBlank(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '\n' && /\s/.test(ch);
}

export function parseDotenv(input: string, file: string): ParseResult {
  // dotenv reads CRLF and CR as LF; a BOM is whitespace to its regex.
  const text = input.replace(/\r\n?/g, '\n');
  const result: ParseResult = { entries: [], problems: [] };
  const firstLine = new Map<string, number>();
  let pos = 0;
  let line = 1;
  /** The last entry whose value was unquoted, and the line its value ended on: lines right after it may be its rest. */
  let lastUnquoted: { name: string; line: number } | undefined;
  /** Consecutive lines that are not `NAME=value`, reported as one problem. */
  let badRun: { from: number; to: number; after: { name: string; line: number } | undefined } | undefined;

  const problem = (at: number, message: string): void => {
    result.problems.push({ file, line: at, message } satisfies Problem);
  };
  const flushBadRun = (): void => {
    if (!badRun) return;
    const { from, to, after } = badRun;
    const more = to > from ? ` (also line${to > from + 1 ? `s ${from + 1}–${to}` : ` ${to}`})` : '';
    const cause = after ? `: is it the rest of ${after.name}'s value from line ${after.line}? A multi-line value needs double quotes` : '';
    problem(from, `expected NAME=value${more}${cause}`);
    badRun = undefined;
  };
  const notAnEntry = (at: number): void => {
    if (badRun && badRun.to === at - 1) badRun.to = at;
    else {
      flushBadRun();
      badRun = { from: at, to: at, after: lastUnquoted && lastUnquoted.line === at - 1 ? lastUnquoted : undefined };
    }
  };
  const endOfLine = (from: number): number => {
    const nl = text.indexOf('\n', from);
    return nl === -1 ? text.length : nl;
  };
  /** Moves past the end of the line that `from` is on. */
  const nextLine = (from: number): void => {
    pos = endOfLine(from) + 1;
    line++;
  };

  while (pos < text.length) {
    while (isBlank(text[pos])) pos++;
    if (pos >= text.length) break;
    if (text[pos] === '\n') {
      pos++;
      line++;
      continue;
    }
    if (text[pos] === '#') {
      nextLine(pos);
      continue;
    }
    const keyLine = line;
    const exported = /^export[^\S\n]+(?=[\w.-])/.exec(text.slice(pos, pos + 64));
    if (exported) pos += exported[0].length;
    const keyStart = pos;
    while (pos < text.length && KEY_CHAR.test(text[pos]!)) pos++;
    const name = text.slice(keyStart, pos);
    if (name === '') {
      notAnEntry(keyLine);
      nextLine(pos);
      continue;
    }
    while (isBlank(text[pos])) pos++;
    if (text[pos] === '=') {
      pos++;
    } else if (text[pos] === ':' && pos === keyStart + name.length && isBlank(text[pos + 1])) {
      pos += 2;
    } else {
      // What looked like a name may be the start of a value's next line: it is not quoted back.
      notAnEntry(keyLine);
      nextLine(pos);
      continue;
    }
    flushBadRun();
    while (isBlank(text[pos])) pos++;

    let value: string;
    let unquoted = false;
    const quote = text[pos];
    if (quote !== undefined && QUOTES.has(quote)) {
      const close = closingQuote(text, pos);
      if (close !== -1) {
        value = text.slice(pos + 1, close);
        // A multi-line value moves the line counter past its own lines.
        for (let i = pos; i < close; i++) if (text[i] === '\n') line++;
        pos = close + 1;
      } else {
        // dotenv falls back to reading the rest of the line unquoted, then strips a matching pair of quotes.
        const raw = unquotedRaw(text, pos);
        if (raw.length >= 2 && raw.endsWith(quote)) {
          value = raw.slice(1, -1);
        } else {
          problem(keyLine, `${name}: the ${quoteName(quote)} quote is never closed`);
          nextLine(pos);
          continue;
        }
        pos += raw.length;
      }
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    } else {
      value = unquotedRaw(text, pos);
      unquoted = true;
      if (/[\u2028\u2029]/.test(value)) {
        problem(keyLine, `${name}: quote a value that contains a Unicode line or paragraph separator`);
        nextLine(pos);
        continue;
      }
    }
    nextLine(pos);
    lastUnquoted = unquoted ? { name, line: keyLine } : undefined;

    const earlier = firstLine.get(name);
    if (earlier !== undefined) {
      problem(keyLine, `${name} is already defined on line ${earlier}`);
      continue;
    }
    firstLine.set(name, keyLine);
    result.entries.push({ name, value, line: keyLine });
  }
  flushBadRun();
  return result;
}

/**
 * The closing quote dotenv picks for the quote at `open`: the last quote of the same kind, up to and including the
 * first one not preceded by a backslash, that has only blanks (or a comment) after it on its line. -1 if none.
 */
function closingQuote(text: string, open: number): number {
  const quote = text[open]!;
  let found = -1;
  for (let p = text.indexOf(quote, open + 1); p !== -1; p = text.indexOf(quote, p + 1)) {
    let after = p + 1;
    while (isBlank(text[after])) after++;
    if (after >= text.length || text[after] === '\n' || text[after] === '#') found = p;
    if (text[p - 1] !== '\\') break;
  }
  return found;
}

/** An unquoted value: up to a `#` or the end of the line, trimmed. */
function unquotedRaw(text: string, from: number): string {
  let end = from;
  while (end < text.length && text[end] !== '\n' && text[end] !== '#') end++;
  return text.slice(from, end).trim();
}

function quoteName(quote: string): string {
  return quote === "'" ? 'single' : quote === '"' ? 'double' : 'backtick';
}

