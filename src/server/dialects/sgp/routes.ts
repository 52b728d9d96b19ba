import type { Hono } from 'hono';
import { isSstoreError, SstoreError } from '../../../errors.ts';
import type { SecretRecord, StoreRecord } from '../../../engine/types.ts';
import { authorize, type Principal } from '../../auth.ts';
import { type AppContext, type AppEnv, actorOf, principalOf, type ServerDeps } from '../../dialect.ts';
import { FastApiValidationError, invalidQuery } from './errors.ts';
import { listParams } from './query.ts';
import { CreateSecret, parseBody, readJson, UpdateSecret } from './schemas.ts';
import { cloudSecretJson } from './serialize.ts';

const NAMESPACE = 'sgp';
export const ACCOUNT_HEADER = 'x-selected-account-id';
/** SGP does not document the account id's format; this admits UUIDs and slugs and keeps junk out of the database. */
const ACCOUNT_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const COLLECTION = '/v5/sgp/secrets';
const ITEM = '/v5/sgp/secrets/:secret_id';

/**
 * The account a request acts on: `x-selected-account-id`, else the account the token is bound to (the key's default
 * account). A token bound to no account must name one.
 */
function selectedAccount(c: AppContext, principal: Principal): string {
  const header = c.req.header(ACCOUNT_HEADER);
  if (header === undefined || header === '') {
    if (principal.account !== null) return principal.account;
    throw new FastApiValidationError([{ loc: ['header', ACCOUNT_HEADER], msg: 'Field required', type: 'missing' }]);
  }
  if (!ACCOUNT_PATTERN.test(header)) {
    throw new FastApiValidationError([
      { loc: ['header', ACCOUNT_HEADER], msg: `String should match pattern '${ACCOUNT_PATTERN.source}'`, type: 'string_pattern_mismatch' },
    ]);
  }
  return header;
}

function secretNotFound(id: string): SstoreError {
  return new SstoreError('not_found', `Secret ${id} not found`, { reason: 'secret_not_found' });
}

function methodNotAllowed(c: AppContext, allow: string): Response {
  c.header('allow', allow);
  return c.json({ detail: 'Method Not Allowed' }, 405);
}

export function mountSgpRoutes(app: Hono<AppEnv>, deps: ServerDeps): void {
  const { engine } = deps;

  async function guard(c: AppContext, permission: 'read' | 'write') {
    const principal = await principalOf(c, deps);
    const account = selectedAccount(c, principal);
    authorize(principal, permission, account);
    return { principal, account };
  }

  async function itemOf(c: AppContext, permission: 'read' | 'write') {
    const { principal, account } = await guard(c, permission);
    const id = c.req.param('secret_id')!;
    const store = await engine.findImplicitStore(NAMESPACE, account);
    if (!store) throw secretNotFound(id);
    return { principal, account, id, store };
  }

  /** The engine's "not found" for this id, in SGP's words. */
  function orNotFound(id: string) {
    return (error: unknown): never => {
      if (isSstoreError(error) && error.kind === 'not_found') throw secretNotFound(id);
      throw error;
    };
  }

  /** The secret, or SGP's "not found" for this id. */
  async function secretOf(store: StoreRecord, id: string): Promise<SecretRecord> {
    try {
      return await engine.getSecret(store, id);
    } catch (error) {
      return orNotFound(id)(error);
    }
  }

  app.post(COLLECTION, async (c) => {
    const { principal, account } = await guard(c, 'write');
    const input = parseBody(CreateSecret, await readJson(c, engine.limits.maxBodyBytes));
    const store = await engine.implicitStore(NAMESPACE, account, principal.actor);
    const [secret] = await engine
      .createSecrets(store, [{ name: input.key, value: input.value, scopes: [], comment: input.description ?? null }], principal.actor)
      .catch((error: unknown) => {
        if (isSstoreError(error) && error.kind === 'conflict') {
          throw new SstoreError('conflict', `Secret with key '${input.key}' already exists`, { reason: 'secret_key_already_exists' });
        }
        throw error;
      });
    return c.json(cloudSecretJson(secret!, account));
  });

  app.get(COLLECTION, async (c) => {
    const { account } = await guard(c, 'read');
    const params = listParams(c);
    const store = await engine.findImplicitStore(NAMESPACE, account);
    const cursor = params.window.kind === 'before' || params.window.kind === 'after' ? params.window.cursorId : undefined;
    const cursorParam = params.window.kind === 'before' ? 'ending_before' : 'starting_after';
    const unknownCursor = () => invalidQuery(cursorParam, `Value error, no secret with id ${cursor} in this account`, 'value_error');
    if (!store) {
      if (cursor !== undefined) throw unknownCursor();
      return c.json({ items: [], has_more: false, total: 0, limit: params.limit, object: 'list' });
    }
    const page = await engine
      .listSecrets({ storeId: store.id, order: params.order, direction: params.direction, window: params.window })
      .catch((error: unknown) => {
        if (isSstoreError(error) && error.reason === 'invalid_cursor') throw unknownCursor();
        throw error;
      });
    return c.json({
      items: page.items.map((secret) => cloudSecretJson(secret, account)),
      has_more: page.hasMore,
      total: page.total,
      limit: params.limit,
      object: 'list',
    });
  });
  app.all(COLLECTION, (c) => methodNotAllowed(c, 'GET, POST'));

  app.get(ITEM, async (c) => {
    const { account, id, store } = await itemOf(c, 'read');
    const secret = await secretOf(store, id);
    return c.json(cloudSecretJson(secret, account));
  });

  app.patch(ITEM, async (c) => {
    const { principal, account, id, store } = await itemOf(c, 'write');
    const input = parseBody(UpdateSecret, await readJson(c, engine.limits.maxBodyBytes));
    // An empty update changes nothing, not even updated_at (UNCONFIRMED upstream).
    const secret =
      input.value === undefined && input.description === undefined
        ? await secretOf(store, id)
        : await engine
            .patchSecret(
              store,
              id,
              { ...(input.value !== undefined && { value: input.value }), ...(input.description !== undefined && { comment: input.description }) },
              principal.actor,
            )
            .catch(orNotFound(id));
    return c.json(cloudSecretJson(secret, account));
  });

  app.delete(ITEM, async (c) => {
    const { id, store } = await itemOf(c, 'write');
    await engine.deleteSecrets(store, [id], actorOf(c)).catch(orNotFound(id));
    return c.body(null, 204);
  });
  app.all(ITEM, (c) => methodNotAllowed(c, 'GET, PATCH, DELETE'));
}
