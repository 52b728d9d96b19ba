/**
 * Local extensions beside Cloudflare's routes, in its envelope and error format (docs/api-compatibility.md): the
 * audit trail, and a secret's value history (its versions, an earlier value, rollback). Cloudflare has none of them.
 */
import type { Hono } from 'hono';
import * as v from 'valibot';
import { isoToMicros } from '../../../engine/clock.ts';
import type { Awaitable } from '../../../engine/awaitable.ts';
import type { StoreRecord } from '../../../engine/types.ts';
import { SstoreError } from '../../../errors.ts';
import { auditPage, type AuditSelection, isAuditAction, MAX_AUDIT_PAGE, versionJson } from '../../audit-query.ts';
import { hasPermission } from '../../auth.ts';
import { actorOf, type AppContext, type AppEnv, type ServerDeps } from '../../dialect.ts';
import { cloudflarePrincipal } from './credentials.ts';
import { success } from './envelope.ts';
import { parse } from './schemas.ts';
import { secretJson } from './serialize.ts';

export interface HistoryDeps extends ServerDeps {
  /** The store of the request's path, once the token may do `permission` in its account. */
  storeOf(c: AppContext, permission: 'read' | 'write' | 'reveal'): Awaitable<StoreRecord>;
  jsonBody(c: AppContext): Promise<unknown>;
}

const Rollback = v.object(
  { version: v.pipe(v.number('invalid_request: version must be a number'), v.integer('invalid_request: version must be a whole number'), v.minValue(1, 'invalid_request: version must be 1 or more')) },
  'invalid_request: the body must be a JSON object {"version": N}',
);

function versionParam(c: AppContext): number {
  const raw = c.req.param('version') ?? '';
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new SstoreError('validation', 'the version must be a whole number from 1', { reason: 'invalid_version' });
  return Number(raw);
}

/** `…/stores/{store}/secrets/{secret}/versions`, `…/versions/{n}/value` and `…/rollback` under an account's base. */
export function mountHistoryRoutes(app: Hono<AppEnv>, base: string, deps: HistoryDeps): void {
  const { engine } = deps;
  const secretPath = `${base}/stores/:store/secrets/:secret`;

  app.get(`${secretPath}/versions`, async (c) => {
    const store = await deps.storeOf(c, 'read');
    const versions = await engine.listVersions(store, c.req.param('secret')!);
    return c.json(success(versions.map(versionJson)));
  });

  app.get(`${secretPath}/versions/:version/value`, async (c) => {
    const store = await deps.storeOf(c, 'reveal');
    const version = versionParam(c);
    const secret = await engine.getSecret(store, c.req.param('secret')!);
    const value = await engine.revealSecret(store, secret.id, actorOf(c), version);
    c.header('cache-control', 'no-store');
    return c.json(success({ id: secret.id, name: secret.name, version, value: value.toString('utf8') }));
  });

  app.post(`${secretPath}/rollback`, async (c) => {
    const store = await deps.storeOf(c, 'write');
    const { version } = parse(Rollback, await deps.jsonBody(c));
    return c.json(success(secretJson(await engine.rollbackSecret(store, c.req.param('secret')!, version, actorOf(c)))));
  });
}

/** The route's query as a selection; a bad parameter is a 400 naming it. */
function selection(c: AppContext): AuditSelection {
  const query = (name: string) => c.req.query(name) || undefined;
  const bad = (name: string, what: string) => new SstoreError('validation', `${name}: ${what}`, { reason: 'invalid_query' });
  const since = query('since');
  const sinceMicros = since === undefined ? undefined : isoToMicros(since);
  if (since !== undefined && sinceMicros === undefined) throw bad('since', 'an ISO 8601 time with a zone, e.g. 2026-06-30T00:00:00Z');
  const action = query('action');
  if (action !== undefined && !isAuditAction(action)) throw bad('action', 'not an audit action');
  const number = (name: string, min: number, max: number) => {
    const raw = query(name);
    if (raw === undefined) return undefined;
    if (!/^\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw bad(name, `a whole number from ${min} to ${max}`);
    return Number(raw);
  };
  const after = number('after', 0, Number.MAX_SAFE_INTEGER);
  const limit = number('limit', 1, MAX_AUDIT_PAGE);
  const actor = query('actor');
  const store = query('store');
  const secret = query('secret');
  return {
    ...(sinceMicros !== undefined && { since: sinceMicros }),
    ...(actor !== undefined && { actor }),
    ...(action !== undefined && { action }),
    ...(store !== undefined && { store }),
    ...(secret !== undefined && { secret }),
    ...(after !== undefined && { after }),
    ...(limit !== undefined && { limit }),
  };
}

/**
 * `GET /client/v4/sstore/audit`: the whole server's trail, oldest first, a page at a time (`after`, `limit`). It spans
 * every account and the tokens, so it needs the `audit` permission on a token bound to no account.
 */
export function mountAuditRoute(app: Hono<AppEnv>, deps: ServerDeps): void {
  app.get('/client/v4/sstore/audit', async (c) => {
    const principal = await cloudflarePrincipal(c, deps);
    if (!hasPermission(principal, 'audit')) {
      throw new SstoreError('permission', 'this token lacks the "audit" permission', { reason: 'permission_denied', hint: 'create a token with --permissions audit' });
    }
    if (principal.account !== null) {
      throw new SstoreError('permission', 'the audit trail spans every account: it needs a token not bound to one (--account)', { reason: 'account_forbidden' });
    }
    const entries = await auditPage(deps.engine, selection(c));
    c.header('cache-control', 'no-store');
    return c.json(success(entries));
  });
}
