import { InvalidArgumentError, Option, type Command } from 'commander';
import { SstoreError } from '../errors.ts';
import type { ValidityWindow } from '../providers/provider.ts';

/**
 * `--not-before` and `--expires-on` (Neostore's validity window). A time is ISO 8601 — a date (midnight UTC), or a
 * date and time with `Z` or an offset; without one it is UTC, as Neostore reads it — or `+N` followed by s, m, h, d
 * or w, from now. Sent as UTC ISO 8601.
 */
export interface WindowFlags {
  notBefore?: string;
  expiresOn?: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const RELATIVE = /^\+(\d+)([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseInstant(raw: string, now = Date.now()): string {
  const text = raw.trim();
  const relative = RELATIVE.exec(text);
  if (relative) return new Date(now + Number(relative[1]) * UNIT_MS[relative[2]!]!).toISOString();
  const m = ISO.exec(text);
  if (!m) throw new InvalidArgumentError('expected an ISO 8601 time (2026-06-30, 2026-06-30T23:59:59Z) or +N[s|m|h|d|w] from now');
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCFullYear() !== Number(y) || day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new InvalidArgumentError('that date or time does not exist');
  }
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${(frac + '000').slice(0, 3)}${offset}`);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('that time cannot be read');
  return new Date(ms).toISOString();
}

export function addWindowOptions(command: Command): Command {
  return command
    .addOption(new Option('--not-before <time>', 'neostore: readable from this time (ISO 8601, or +N[s|m|h|d|w] from now)').argParser((raw: string) => parseInstant(raw)))
    .addOption(new Option('--expires-on <time>', 'neostore: readable until this time (ISO 8601, or +N[s|m|h|d|w] from now)').argParser((raw: string) => parseInstant(raw)));
}

/**
 * The window the flags give, or undefined when neither was given. A window in which the secret could never be read
 * (empty, or over already) is refused before any request.
 */
export function windowOf(flags: WindowFlags, now = Date.now()): ValidityWindow | undefined {
  if (flags.notBefore === undefined && flags.expiresOn === undefined) return undefined;
  if (flags.expiresOn !== undefined && Date.parse(flags.expiresOn) <= now) {
    throw new SstoreError('usage', `--expires-on is in the past (${flags.expiresOn}): the secret could never be read`, { reason: 'window_past' });
  }
  if (flags.notBefore !== undefined && flags.expiresOn !== undefined && Date.parse(flags.expiresOn) <= Date.parse(flags.notBefore)) {
    throw new SstoreError('usage', '--expires-on must be later than --not-before', { reason: 'window_empty' });
  }
  return { ...(flags.notBefore !== undefined && { notBefore: flags.notBefore }), ...(flags.expiresOn !== undefined && { expiresOn: flags.expiresOn }) };
}

/** Neostore replaces a secret whole: a new value without the window flags makes it permanent. */
export const WINDOW_RESET_WARNING =
  'sstore: warning: neostore replaces the whole secret: without --not-before/--expires-on it is now valid at all times (its old window, if any, is gone)';
