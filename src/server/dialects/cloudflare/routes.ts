import type { Hono } from 'hono';
import { SstoreError } from '../../../errors.ts';
import { andThen, type Awaitable } from '../../../engine/awaitable.ts';
import type { StoreRecord } from '../../../engine/types.ts';
import { authorize, type Principal } from '../../auth.ts';
import { NOT_UNICODE_MESSAGE, readJsonBody } from '../../body.ts';
import { actorOf, type AppContext, type AppEnv, type ServerDeps } from '../../dialect.ts';
import { cloudflarePrincipal } from './credentials.ts';
import { success, type ResultInfo } from './envelope.ts';
import { mountAuditRoute, mountHistoryRoutes } from './extensions.ts';
import { direction, force, pageParams, scopesFilter, secretOrder, storeOrder } from './query.ts';
import {
  CreateSecrets,
  CreateStore,
  CreateStores,
  CreateSystemStore,
  DeleteSecrets,
  DuplicateSecret,
  parse,
  PatchSecret,
} from './schemas.ts';
import { secretJson, storeJson } from './serialize.ts';

const NAMESPACE = 'cloudflare';
const ACCOUNT_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * A door onto the same handlers: account routes see every store of the account; `/system` routes act for the
 * calling service and see only the stores it manages (any other store is "not found").
 */
interface Door {
  managedBy(principal: Principal): string | undefined;
}

const accountDoor: Door = { managedBy: () => undefined };

const systemDoor: Door = {
  managedBy(principal) {
    if (!principal.service) {
      throw new SstoreError('permission', 'system routes need a token bound to a calling service (--service)', {
        reason: 'service_required',
      });
    }
    return principal.service;
  },
};

function resultInfo(page: number, perPage: number, count: number, total: number): ResultInfo {
  return { count, page, per_page: perPage, total_count: total, total_pages: Math.ceil(total / perPage) };
}

function accountOf(c: AppContext): string {
  const account = c.req.param('account')!;
  // The live API answers 7003 for an account id it cannot route.
  if (!ACCOUNT_PATTERN.test(account)) throw new SstoreError('not_found', 'No route for the URI', { reason: 'no_route' });
  return account;
}

/** Most ids one bulk reveal may name: the URL stays short (100 × 33 characters). */
export const MAX_REVEAL_IDS = 100;

function revealIds(raw: string | undefined): string[] {
  const ids = [...new Set((raw ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) throw new SstoreError('validation', 'ids: give one or more secret ids, comma-separated', { reason: 'invalid_query' });
  if (ids.length > MAX_REVEAL_IDS) throw new SstoreError('validation', `ids: at most ${MAX_REVEAL_IDS} per request`, { reason: 'invalid_query' });
  return ids;
}

/** The request body as JSON; a missing, malformed or altered one is a 400, never a 500. */
async function jsonBody(c: AppContext, maxBytes: number): Promise<unknown> {
  const body = await readJsonBody(c, maxBytes);
  if (body.ok) return body.value;
  if (body.problem === 'empty') throw new SstoreError('validation', 'the request body is empty; JSON was expected', { reason: 'invalid_json_body' });
  if (body.problem === 'malformed') throw new SstoreError('validation', 'the request body is not valid JSON', { reason: 'invalid_json_body' });
  const where = body.path.length > 0 ? `${body.path.join('.')}: ` : '';
  throw new SstoreError('validation', `${where}${NOT_UNICODE_MESSAGE}`, { reason: 'invalid_unicode' });
}

export function mountCloudflareRoutes(app: Hono<AppEnv>, deps: ServerDeps): void {
  const { engine } = deps;
  const maxBody = engine.limits.maxBodyBytes;

  // guard, storeOf and the GETs of one store or secret chain with andThen, not await: when the token, the store and
  // the secret are cached, the whole request is answered synchronously (see src/engine/awaitable.ts).
  function guard(c: AppContext, permission: 'read' | 'write' | 'reveal'): Awaitable<{ principal: Principal; account: string }> {
    return andThen(cloudflarePrincipal(c, deps), (principal) => {
      const account = accountOf(c);
      authorize(principal, permission, account);
      return { principal, account };
    });
  }

  function storeOf(c: AppContext, door: Door, permission: 'read' | 'write' | 'reveal'): Awaitable<StoreRecord> {
    return andThen(guard(c, permission), ({ principal, account }) =>
      engine.getStore(NAMESPACE, account, c.req.param('store')!, door.managedBy(principal)),
    );
  }

  function storeRoutes(base: string, door: Door, system: boolean) {
    app.get(`${base}/stores`, async (c) => {
      const { principal, account } = await guard(c, 'read');
      const { page, perPage } = pageParams(c);
      const managedBy = door.managedBy(principal);
      const result = await engine.listStores({
        namespace: NAMESPACE,
        accountId: account,
        ...(managedBy !== undefined && { managedBy }),
        order: storeOrder(c),
        direction: direction(c),
        window: { kind: 'offset', offset: (page - 1) * perPage, limit: perPage },
      });
      return c.json(success(result.items.map(storeJson), resultInfo(page, perPage, result.items.length, result.total)));
    });

    app.post(`${base}/stores`, async (c) => {
      const { principal, account } = await guard(c, 'write');
      const managedBy = door.managedBy(principal) ?? null;
      const body = await jsonBody(c, maxBody);
      if (system) {
        const input = parse(CreateSystemStore, body);
        return c.json(success(storeJson(await engine.createStore(NAMESPACE, account, input.name, managedBy, principal.actor))));
      }
      if (Array.isArray(body)) {
        // The legacy array form answers in kind. One store per request keeps "all or nothing" honest.
        const inputs = parse(CreateStores, body);
        if (inputs.length > 1) throw new SstoreError('validation', 'create one store per request', { reason: 'invalid_request' });
        const store = await engine.createStore(NAMESPACE, account, inputs[0]!.name, managedBy, principal.actor);
        return c.json(success([storeJson(store)], resultInfo(1, 1, 1, 1)));
      }
      const input = parse(CreateStore, body);
      return c.json(success(storeJson(await engine.createStore(NAMESPACE, account, input.name, managedBy, principal.actor))));
    });

    app.get(`${base}/stores/:store`, (c) => andThen(storeOf(c, door, 'read'), (store) => c.json(success(storeJson(store)))));

    app.delete(`${base}/stores/:store`, async (c) => {
      const store = await storeOf(c, door, 'write');
      await engine.deleteStore(store, force(c), actorOf(c));
      return c.json(success(null));
    });

    app.get(`${base}/stores/:store/secrets`, async (c) => {
      const store = await storeOf(c, door, 'read');
      const { page, perPage } = pageParams(c);
      const search = c.req.query('search');
      const scopes = scopesFilter(c);
      const result = await engine.listSecrets({
        storeId: store.id,
        ...(search && { search }),
        ...(scopes && { scopes }),
        order: secretOrder(c),
        direction: direction(c),
        window: { kind: 'offset', offset: (page - 1) * perPage, limit: perPage },
      });
      return c.json(success(result.items.map(secretJson), resultInfo(page, perPage, result.items.length, result.total)));
    });

    app.post(`${base}/stores/:store/secrets`, async (c) => {
      const store = await storeOf(c, door, 'write');
      const inputs = parse(CreateSecrets, await jsonBody(c, maxBody));
      const created = await engine.createSecrets(
        store,
        inputs.map((input) => ({ name: input.name, value: input.value, scopes: input.scopes, comment: input.comment ?? null })),
        actorOf(c),
      );
      return c.json(success(created.map(secretJson), resultInfo(1, created.length, created.length, created.length)));
    });

    app.delete(`${base}/stores/:store/secrets`, async (c) => {
      const store = await storeOf(c, door, 'write');
      const ids = parse(DeleteSecrets, await jsonBody(c, maxBody));
      await engine.deleteSecrets(store, ids, actorOf(c));
      return c.json(success(null), 202);
    });

    // Local extension: the values of up to 100 secrets in one request, for `sstore run` and `export`; `reveal`
    // permission only. Served by `secrets/:secret` below rather than as a route of its own: a static segment beside
    // a parameter makes Hono fall back from its RegExpRouter to the slower TrieRouter for every request.
    async function revealValues(c: AppContext) {
      const store = await storeOf(c, door, 'reveal');
      const ids = revealIds(c.req.query('ids'));
      // One append records them all: a reveal of 100 values costs one commit, not 100.
      const revealed = (await engine.revealSecrets(store, ids, actorOf(c))).map(({ secret, value }) => ({
        id: secret.id,
        name: secret.name,
        value: value.toString('utf8'),
      }));
      c.header('cache-control', 'no-store');
      return c.json(success(revealed, resultInfo(1, Math.max(1, revealed.length), revealed.length, revealed.length)));
    }

    app.get(`${base}/stores/:store/secrets/:secret`, (c) => {
      if (!system && c.req.param('secret') === 'values') return revealValues(c);
      return andThen(storeOf(c, door, 'read'), (store) =>
        andThen(engine.getSecret(store, c.req.param('secret')!), (secret) => c.json(success(secretJson(secret)))),
      );
    });

    app.patch(`${base}/stores/:store/secrets/:secret`, async (c) => {
      const store = await storeOf(c, door, 'write');
      const input = parse(PatchSecret, await jsonBody(c, maxBody));
      const secret = await engine.patchSecret(store, c.req.param('secret')!, {
        ...(input.value !== undefined && { value: input.value }),
        ...(input.scopes !== undefined && { scopes: input.scopes }),
        ...(input.comment !== undefined && { comment: input.comment }),
      }, actorOf(c));
      return c.json(success(secretJson(secret)));
    });

    app.delete(`${base}/stores/:store/secrets/:secret`, async (c) => {
      const store = await storeOf(c, door, 'write');
      await engine.deleteSecrets(store, [c.req.param('secret')!], actorOf(c));
      return c.json(success(null), 202);
    });

    app.post(`${base}/stores/:store/secrets/:secret/duplicate`, async (c) => {
      const store = await storeOf(c, door, 'write');
      const input = parse(DuplicateSecret, await jsonBody(c, maxBody));
      const copy = await engine.duplicateSecret(store, c.req.param('secret')!, {
        name: input.name,
        scopes: input.scopes,
        comment: input.comment ?? null,
      }, actorOf(c));
      return c.json(success(secretJson(copy)));
    });

    if (!system) {
      // Local extension, not part of Cloudflare's API: the value, to a token with the `reveal` permission only.
      app.get(`${base}/stores/:store/secrets/:secret/value`, async (c) => {
        const store = await storeOf(c, door, 'reveal');
        const secret = await engine.getSecret(store, c.req.param('secret')!);
        const value = await engine.revealSecret(store, secret.id, actorOf(c));
        c.header('cache-control', 'no-store');
        return c.json(success({ id: secret.id, name: secret.name, value: value.toString('utf8') }));
      });
      mountHistoryRoutes(app, base, { ...deps, storeOf: (c, permission) => storeOf(c, door, permission), jsonBody: (c) => jsonBody(c, maxBody) });
    }
  }

  app.get('/client/v4/accounts/:account/secrets_store/quota', async (c) => {
    const { account } = await guard(c, 'read');
    const { usage, quota } = await engine.usage(NAMESPACE, account);
    return c.json(success({ secrets: { quota, usage } }));
  });

  // What wrangler calls after any authentication error (`whoami`): Cloudflare's answer for a valid token, and a 401
  // for any other (see docs/api-compatibility.md).
  app.get('/client/v4/user/tokens/verify', (c) =>
    andThen(cloudflarePrincipal(c, deps), (principal) =>
      c.json({
        ...success({ id: principal.id, status: 'active' }),
        messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
      }),
    ),
  );

  storeRoutes('/client/v4/accounts/:account/secrets_store', accountDoor, false);
  storeRoutes('/client/v4/system/accounts/:account', systemDoor, true);
  mountAuditRoute(app, deps);
}
