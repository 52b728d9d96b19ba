/** The three media types Neostore declares for every 200; text/plain first, as ASP.NET's formatters for a string. */
export type MediaType = 'text/plain' | 'application/json' | 'text/json';

interface Range {
  type: string;
  q: number;
  /** Position in the header: the tie-break between equal q values. */
  index: number;
}

function ranges(accept: string): Range[] {
  return accept
    .split(',')
    .map((part, index): Range => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const qParam = params.find((p) => p.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { type, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
}

/**
 * ASP.NET Core content negotiation, as Neostore's server would do it: the most preferred Accept range the resource
 * can be written as wins; `*\/*`, no Accept, or nothing writable falls back to the first type (no 406).
 */
export function negotiate(accept: string | undefined, offered: readonly MediaType[]): MediaType {
  for (const { type } of ranges(accept ?? '')) {
    if (type === '*/*') break;
    const exact = offered.find((o) => o === type);
    if (exact) return exact;
    if (type.endsWith('/*')) {
      const wildcard = offered.find((o) => o.startsWith(type.slice(0, -1)));
      if (wildcard) return wildcard;
    }
  }
  return offered[0]!;
}

/** Request bodies Neostore accepts: `application/json`, `text/json`, `application/*+json`. */
export function isJsonContentType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return false;
  return type === 'application/json' || type === 'text/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);
}
