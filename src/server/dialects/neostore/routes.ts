import type { Hono } from 'hono';
import { nowMicros } from '../../../engine/clock.ts';
import type { SecretRecord, StoreRecord } from '../../../engine/types.ts';
import { isSstoreError, SstoreError } from '../../../errors.ts';
import { authorize } from '../../auth.ts';
import { readJsonBody } from '../../body.ts';
import { type AppContext, type AppEnv, actorOf, principalOf, type ServerDeps } from '../../dialect.ts';
import { isJsonContentType, type MediaType, negotiate } from './negotiate.ts';
import { invalidField, PROBLEM_CONTENT_TYPE, problem, ValidationProblem } from './problem.ts';
import { isValidAt, KEY_PATTERN, MAX_KEY_LENGTH, parseSetRequest, TENANT_PATTERN } from './schemas.ts';

const NAMESPACE = 'neostore';
const COLLECTION = '/api/:tenantId/secrets';
const ITEM = '/api/:tenantId/secrets/:key';

/** Neostore's scope names for the engine's permissions, for messages a Neostore user recognizes. */
const SCOPE_NAME = { read: 'Secret.Read', write: 'Secret.Write' } as const;

const CONTENT_TYPE: Record<MediaType, string> = {
  'text/plain': 'text/plain; charset=utf-8',
  'application/json': 'application/json; charset=utf-8',
  'text/json': 'text/json; charset=utf-8',
};

/** One body for a key that is missing, expired or not yet valid: a client cannot tell them apart. */
function secretNotFound(): SstoreError {
  return new SstoreError('not_found', 'Secret not found.', { reason: 'secret_not_found' });
}

function checkKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH) throw invalidField('key', `The key must be at most ${MAX_KEY_LENGTH} characters.`);
  if (!KEY_PATTERN.test(key)) throw invalidField('key', 'The key may contain only letters, digits and hyphens.');
}

async function readJson(c: AppContext, maxBytes: number): Promise<unknown> {
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new SstoreError('validation', 'The request body must be application/json, text/json or application/*+json.', {
      reason: 'unsupported_media_type',
      status: 415,
    });
  }
  const body = await readJsonBody(c, maxBytes);
  if (body.ok) return body.value;
  if (body.problem === 'empty') throw new ValidationProblem({ '': ['A non-empty request body is required.'] });
  if (body.problem === 'malformed') throw new ValidationProblem({ $: ['The request body is not valid JSON.'] });
  const field = body.path.length > 0 ? body.path.join('.') : '$';
  throw new ValidationProblem({ [field]: ['The field is not valid Unicode (invalid UTF-8 or a lone surrogate); values are stored exactly or refused.'] });
}

function methodNotAllowed(c: AppContext, allow: string): Response {
  const { body } = problem(405, undefined, c.req.path);
  c.header('allow', allow);
  c.header('content-type', PROBLEM_CONTENT_TYPE);
  return c.body(JSON.stringify(body), 405);
}

export function mountNeostoreRoutes(app: Hono<AppEnv>, deps: ServerDeps): void {
  const { engine } = deps;

  async function guard(c: AppContext, permission: 'read' | 'write') {
    const principal = await principalOf(c, deps);
    const tenant = c.req.param('tenantId')!;
    if (!TENANT_PATTERN.test(tenant)) throw invalidField('tenantId', 'The tenant id may contain only letters, digits, underscores and hyphens (at most 128).');
    try {
      authorize(principal, permission, tenant);
    } catch (error) {
      if (!isSstoreError(error) || error.kind !== 'permission') throw error;
      const message =
        error.reason === 'account_forbidden'
          ? `This API key is not allowed to access tenant ${tenant}.`
          : `This API key lacks the ${SCOPE_NAME[permission]} scope.`;
      throw new SstoreError('permission', message, { reason: error.reason ?? 'permission_denied' });
    }
    return { principal, tenant };
  }

  /** The secret under `key` if it exists and is inside its validity window now. */
  async function visibleSecret(tenant: string, key: string): Promise<{ store: StoreRecord; secret: SecretRecord }> {
    const store = await engine.findImplicitStore(NAMESPACE, tenant);
    const secret = store && (await engine.findSecretByName(store, key));
    if (!store || !secret || !isValidAt(secret, nowMicros())) throw secretNotFound();
    return { store, secret };
  }

  app.get(COLLECTION, async (c) => {
    const { tenant } = await guard(c, 'read');
    const store = await engine.findImplicitStore(NAMESPACE, tenant);
    const now = nowMicros();
    const keys = store
      ? (await engine.listSecrets({ storeId: store.id, order: 'name', direction: 'asc', window: { kind: 'all' } })).items
          .filter((secret) => isValidAt(secret, now))
          .map((secret) => secret.name)
      : [];
    // A list of strings has no text/plain form; ASP.NET falls back to JSON.
    const type = negotiate(c.req.header('accept'), ['application/json', 'text/json']);
    c.header('content-type', CONTENT_TYPE[type]);
    return c.body(JSON.stringify(keys));
  });
  app.all(COLLECTION, (c) => methodNotAllowed(c, 'GET'));

  app.get(ITEM, async (c) => {
    const { principal, tenant } = await guard(c, 'read');
    const key = c.req.param('key')!;
    checkKey(key);
    const { store, secret } = await visibleSecret(tenant, key);
    const value = (await engine.revealSecret(store, secret.id, principal.actor)).toString('utf8');
    const type = negotiate(c.req.header('accept'), ['text/plain', 'application/json', 'text/json']);
    c.header('content-type', CONTENT_TYPE[type]);
    c.header('cache-control', 'no-store');
    return c.body(type === 'text/plain' ? value : JSON.stringify(value));
  });

  app.put(ITEM, async (c) => {
    const { principal, tenant } = await guard(c, 'write');
    const key = c.req.param('key')!;
    checkKey(key);
    const input = parseSetRequest(await readJson(c, engine.limits.maxBodyBytes));
    const store = await engine.implicitStore(NAMESPACE, tenant, principal.actor);
    await engine.putSecretByName(
      store,
      { name: key, value: input.value, scopes: [], comment: null, notBefore: input.notBefore, expiresOn: input.expiresOn },
      principal.actor,
    );
    return c.body(null, 204);
  });

  app.delete(ITEM, async (c) => {
    const { tenant } = await guard(c, 'write');
    const key = c.req.param('key')!;
    checkKey(key);
    // Deleting works outside the validity window too: an expired secret can still be cleaned up.
    const store = await engine.findImplicitStore(NAMESPACE, tenant);
    const secret = store && (await engine.findSecretByName(store, key));
    if (!store || !secret) throw secretNotFound();
    await engine.deleteSecrets(store, [secret.id], actorOf(c)).catch((error: unknown) => {
      if (isSstoreError(error) && error.kind === 'not_found') throw secretNotFound();
      throw error;
    });
    return c.body(null, 204);
  });
  app.all(ITEM, (c) => methodNotAllowed(c, 'GET, PUT, DELETE'));
}
