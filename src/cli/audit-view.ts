/**
 * What `sstore audit` and `sstore server audit` share: the filter flags, reading every page, the table and the JSON,
 * and `--follow`. Both read through an AuditSource (the provider's extension route, or the engine offline), so the
 * two commands print the same thing for the same trail.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AUDIT_ACTIONS } from '../engine/audit/entry.ts';
import { isoToMicros, microsToIso } from '../engine/clock.ts';
import type { AuditQuery, AuditRecord } from '../providers/provider.ts';
import type { Context } from './context.ts';
import { type Column, printJson, printTable, when } from './output.ts';
import { parseInstant } from './window-options.ts';

/** One page of the trail, oldest first. */
export type AuditSource = (query: AuditQuery) => Promise<AuditRecord[]>;

export interface AuditFlags {
  since?: string;
  actor?: string;
  action?: string;
  store?: string;
  secret?: string;
  follow?: boolean;
}

/** Entries per request: a page of the route, or of the database offline. */
export const AUDIT_PAGE = 1000;
/** How often `--follow` asks for new entries. */
export const FOLLOW_INTERVAL_MS = 1000;

const AGO = /^(\d+)([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `10m` (that long ago: s, m, h, d, w) or an ISO 8601 time, as an ISO instant. A full time with a zone keeps its
 * microseconds, so an entry's own `time` pasted back selects from exactly that entry.
 */
export function pastInstant(raw: string, now = Date.now()): string {
  const ago = AGO.exec(raw.trim());
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2]!]!).toISOString();
  const exact = isoToMicros(raw.trim());
  if (exact !== undefined) return microsToIso(exact);
  try {
    return parseInstant(raw, now);
  } catch {
    throw new InvalidArgumentError('expected a duration ago (30s, 10m, 2h, 7d, 4w) or an ISO 8601 time (2026-06-30, 2026-06-30T23:59:59Z)');
  }
}

export function addAuditFilters(command: Command): Command {
  return command
    .addOption(new Option('--since <time>', 'entries from this time on: a duration ago (10m, 2h, 7d) or ISO 8601').argParser((raw: string) => pastInstant(raw)))
    .option('--actor <name>', "entries by this actor: a token's name, or local")
    .addOption(new Option('--action <action>', 'entries of this action').choices(AUDIT_ACTIONS))
    .option('--store <store>', 'entries about this store (a name, or an id: deleted stores too)')
    .option('--secret <name>', 'entries about secrets of this name')
    .option('-f, --follow', 'keep printing new entries as they come (Ctrl-C ends it, exit 130)');
}

export function auditQuery(flags: AuditFlags): AuditQuery {
  return {
    ...(flags.since !== undefined && { since: flags.since }),
    ...(flags.actor !== undefined && { actor: flags.actor }),
    ...(flags.action !== undefined && { action: flags.action }),
    ...(flags.store !== undefined && { store: flags.store }),
    ...(flags.secret !== undefined && { secret: flags.secret }),
  };
}

/** Every entry the query selects, page after page. */
export async function readAudit(source: AuditSource, query: AuditQuery): Promise<AuditRecord[]> {
  const all: AuditRecord[] = [];
  for (let after = query.after; ; ) {
    const page = await source({ ...query, ...(after !== undefined && { after }), limit: AUDIT_PAGE });
    all.push(...page);
    if (page.length < AUDIT_PAGE) return all;
    after = page.at(-1)!.id;
  }
}

/** The facts of an entry beyond its name, in a few words: which fields changed, which version, how many pruned. */
export function auditDetail(entry: AuditRecord): string {
  const parts: string[] = [];
  if (entry.fields && entry.fields.length > 0) parts.push(`changed ${entry.fields.join(', ')}`);
  const detail = entry.detail ?? {};
  if (detail.version !== undefined) parts.push(entry.action === 'secret.rollback' ? `back to version ${detail.version}'s value` : `version ${detail.version}`);
  if (detail.newVersion !== undefined) parts.push(`now version ${detail.newVersion}`);
  if (detail.source !== undefined) parts.push(`from ${detail.source}`);
  if (detail.pruned !== undefined) parts.push(`pruned ${detail.pruned}`);
  return parts.join('; ');
}

/** On 80 columns everything but DETAIL fits, with the id, the time and the action whole. */
const COLUMNS: Column[] = [
  { head: '#', style: 'dim', whole: true },
  { head: 'TIME', style: 'dim', whole: true },
  { head: 'ACTOR' },
  { head: 'ACTION', whole: true },
  { head: 'NAME', style: 'name' },
  { head: 'ID', style: 'dim', whole: true },
  { head: 'DETAIL', style: 'dim', optional: true },
];

/** `exact`: the entry's own time rather than "3 minutes ago", which a stream (`--follow`) would leave going stale. */
function row(ctx: Context, entry: AuditRecord, exact = false): string[] {
  // The secret's id for secret actions, else the store's: the one a reader looks up next (--json has both).
  const actor = entry.os_user ? `${entry.actor} (${entry.os_user})` : entry.actor;
  return [String(entry.id), exact ? entry.time : when(ctx.io, entry.time), actor, entry.action, entry.name ?? '', entry.secret_id ?? entry.store_id ?? '', auditDetail(entry)];
}

/** The entries as a table fitted to the terminal, as a JSON array (oldest first), or as ids with `-q`. */
export async function printAudit(ctx: Context, entries: AuditRecord[]): Promise<void> {
  if (ctx.globals.json) return printJson(ctx.io, entries);
  if (ctx.globals.quiet) {
    if (entries.length > 0) ctx.io.out(entries.map((e) => String(e.id)).join('\n'));
    return;
  }
  if (entries.length === 0) return ctx.io.err('no audit entries match');
  await printTable(ctx.io, COLUMNS, entries.map((e) => row(ctx, e)));
}

/**
 * `--follow`: what is there first, then every new entry as it is appended, until Ctrl-C (exit 130, as `tail -f`
 * ends). With `--json` every entry is one JSON object per line (NDJSON), the first ones too, so a reader parses one
 * kind of line; otherwise the table of what is there, then one line per new entry, its columns separated by two spaces.
 */
export async function followAudit(ctx: Context, source: AuditSource, query: AuditQuery): Promise<void> {
  const print = (entries: AuditRecord[]) => {
    for (const entry of entries) {
      if (ctx.globals.json) ctx.io.out(JSON.stringify(entry));
      else if (ctx.globals.quiet) ctx.io.out(String(entry.id));
      else ctx.io.out(row(ctx, entry, true).join('  ').trimEnd());
    }
  };
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onInterrupt = () => {
    stopped = true;
    clearTimeout(timer);
    wake?.();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const first = await readAudit(source, query);
    // For people, what is there already is the usual table; each later entry is a line in the same column order.
    if (!ctx.globals.json && !ctx.globals.quiet && first.length > 0) await printTable(ctx.io, COLUMNS, first.map((e) => row(ctx, e, true)));
    else print(first);
    let after = first.at(-1)?.id ?? (await lastId(source));
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, FOLLOW_INTERVAL_MS);
      });
      if (stopped) break;
      const fresh = await readAudit(source, { ...query, ...(after !== undefined && { after }) });
      print(fresh);
      after = fresh.at(-1)?.id ?? after;
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  process.exitCode = 130;
}

/**
 * The newest entry's id when the filter matched nothing so far, so that following starts after it rather than
 * re-reading the whole trail each second.
 */
async function lastId(source: AuditSource): Promise<number | undefined> {
  let after: number | undefined;
  for (;;) {
    const page = await source({ ...(after !== undefined && { after }), limit: AUDIT_PAGE });
    if (page.length === 0) return after;
    after = page.at(-1)!.id;
    if (page.length < AUDIT_PAGE) return after;
  }
}
