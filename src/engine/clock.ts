/**
 * Microsecond ISO timestamps (`2023-09-21T18:56:32.624632Z`), as Cloudflare's API returns them.
 * Strictly increasing within a process, so that ordering by `created` is stable even for a bulk create.
 */
let lastMicros = 0;

export function nowMicros(): number {
  const wall = Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);
  lastMicros = wall > lastMicros ? wall : lastMicros + 1;
  return lastMicros;
}

// The last whole second formatted, `2023-09-21T18:56:32.`: rows of a page were mostly written in the same second, so
// most conversions only format the fraction (a page of 100 secrets makes 200 of them).
let lastSecond = Number.NaN;
let lastPrefix = '';

export function microsToIso(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  if (second !== lastSecond) {
    lastPrefix = new Date(second * 1000).toISOString().slice(0, -4); // drop `000Z`
    lastSecond = second;
  }
  return `${lastPrefix}${String(micros - second * 1_000_000).padStart(6, '0')}Z`;
}

export function isoToMicros(iso: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = (match[2] ?? '').padEnd(6, '0');
  return ms * 1000 + Number(fraction);
}
