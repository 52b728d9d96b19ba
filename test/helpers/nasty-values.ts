/** Values that break naive quoting in dotenv files, shells, YAML and CI logs. None holds a NUL. */
export const NASTY_VALUES: readonly string[] = [
  '',
  ' ',
  '  leading spaces',
  'trailing spaces  ',
  'plain',
  'a#b',
  '#starts with hash',
  'x # looks like a comment',
  'a=b=c',
  '$HOME ${HOME} $(whoami) `whoami`',
  'back\\slash',
  'C:\\new\\table',
  'ends with a backslash\\',
  "it's",
  'say "hi"',
  'back`tick',
  `both ' and "`,
  `all three ' " \``,
  "'wrapped in single'",
  '"wrapped in double"',
  '`wrapped in backticks`',
  "quote at the end'",
  'line1\nline2',
  '\nleading newline',
  'trailing newline\n',
  'two\n\nblank\n\nlines',
  'crlf\r\nline',
  'just\rcr',
  'unicode ünïcødé 日本語 🎉',
  'line sep \u2028 para sep \u2029',
  'tab\tinside',
  '\\n is a literal backslash-n',
  'export X=1',
  'NAME=value\nOTHER=x',
  '-----BEGIN KEY-----\nMIIB\\n+/=\n-----END KEY-----\n',
  `{"json": "with 'quotes'", "n": 1}`,
  '%percent%0A%25',
  '*****',
  'x'.repeat(5000),
];

/** A small seeded generator, so a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random string over characters that matter to the formats. */
export function randomNastyString(random: () => number, maxLength = 12): string {
  const alphabet = ['a', 'Z', '0', ' ', '\t', '\n', '\r', '#', '=', '$', '\\', "'", '"', '`', 'n', 'r', 'é', '日', '🎉', '\u2028', ':', '-'];
  const length = Math.floor(random() * (maxLength + 1));
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
}
