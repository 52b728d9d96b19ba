/** Fitting text to the terminal's width: table columns, help prose and example commands. Pure functions. */

/** The width help and tables fit to: the terminal's columns, else 80 (commander's own default for help). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : undefined;
}

/**
 * Column widths that fit `available` columns: the widest column gives up one column at a time (ties: the rightmost
 * first) until the row fits or every column is down to its minimum. Widths here include each column's gap.
 */
export function fitWidths(natural: readonly number[], minimum: readonly number[], available: number): number[] {
  const widths = [...natural];
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > available) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (widths[i]! > minimum[i]! && (widest < 0 || widths[i]! >= widths[widest]!)) widest = i;
    if (widest < 0) break;
    widths[widest]!--;
    total--;
  }
  return widths;
}

/** Words of `text` in lines of at most `width` columns (a word longer than that gets a line of its own). */
export function wrapWords(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') line = indent + word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = indent + word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Splits a shell command at the spaces outside quotes, so that a piece never breaks a quoted argument. */
function shellPieces(command: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of command) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === ' ') {
      if (current !== '') pieces.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/**
 * One example for help (`  $ command  # comment`) in lines of at most `width` columns that still paste into a shell:
 * the padding before a comment shrinks to two spaces, a comment that still does not fit goes on a line of its own
 * above the command, and a command that does not fit continues on indented lines after a ` \`.
 */
export function exampleLines(example: string, width: number): string[] {
  const whole = `  $ ${example}`;
  if (whole.length <= width) return [whole];
  const hash = example.search(/\s+# /);
  const command = (hash >= 0 ? example.slice(0, hash) : example).trimEnd();
  const comment = hash >= 0 ? example.slice(hash).trim() : undefined;
  // First, the comment closer to its command (the spaces that align comments are the cheapest to give up).
  const closer = comment ? `  $ ${command}  ${comment}` : whole;
  if (closer.length <= width) return [closer];
  const lines = comment ? wrapWords(comment.slice(2), width, '  # ') : [];
  let line = '  $';
  for (const piece of shellPieces(command)) {
    if (line.length + 1 + piece.length + 2 > width && line.trim() !== '$' && line.trim() !== '') {
      lines.push(`${line} \\`);
      line = '     ';
    }
    line += ` ${piece}`;
  }
  lines.push(line);
  return lines;
}
