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

export function microsToIso(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString(); // 2023-09-21T18:56:32.624Z
  const sub = String(micros % 1000).padStart(3, '0');
  return `${base.slice(0, -1)}${sub}Z`;
}

export function isoToMicros(iso: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = (match[2] ?? '').padEnd(6, '0');
  return ms * 1000 + Number(fraction);
}
