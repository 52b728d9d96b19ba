import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInstant, windowOf } from '../../src/cli/window-options.ts';
import { SstoreError } from '../../src/errors.ts';
import { neostoreError } from '../../src/providers/neostore-errors.ts';
import { sgpError } from '../../src/providers/sgp-errors.ts';
import { deleteEach } from '../../src/providers/delete-each.ts';

test('FastAPI bodies: a detail string, or the validation array joined into one line; kind from the status', () => {
  const conflict = sgpError(409, { detail: "Secret with key 'a' already exists" });
  assert.deepEqual([conflict.kind, conflict.message], ['conflict', "Secret with key 'a' already exists"]);
  const invalid = sgpError(422, {
    detail: [
      { loc: ['body', 'key'], msg: "String should match pattern '^[a-z0-9]'", type: 'string_pattern_mismatch' },
      { loc: ['body', 'value'], msg: 'Field required', type: 'missing' },
      { loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' },
    ],
  });
  assert.equal(invalid.kind, 'validation');
  assert.equal(invalid.message, "key: String should match pattern '^[a-z0-9]'; value: Field required; body: JSON decode error");
  assert.equal(sgpError(401, { detail: 'Invalid API key' }).kind, 'auth');
  assert.equal(sgpError(403, { detail: 'no' }).kind, 'permission');
  assert.equal(sgpError(404, { detail: 'Secret x not found' }).kind, 'not_found');
  assert.equal(sgpError(400, { detail: 'secrets quota exceeded: 3 of 3' }).kind, 'quota');
  assert.equal(sgpError(400, { detail: 'bad' }).kind, 'validation');
  assert.equal(sgpError(503, 'upstream down').message, 'the API failed (HTTP 503): the API answered HTTP 503');
});

test('ProblemDetails bodies: detail, else the errors map, else the title', () => {
  const problem = neostoreError(404, { type: 'x', title: 'Not Found', status: 404, detail: 'Secret not found.' });
  assert.deepEqual([problem.kind, problem.message], ['not_found', 'Secret not found.']);
  const validation = neostoreError(400, { title: 'One or more validation errors occurred.', errors: { key: ['Only letters.'], $: ['Bad JSON.'], value: ['A', 'B'] } });
  assert.deepEqual([validation.kind, validation.message], ['validation', 'key: Only letters.; Bad JSON.; value: A B']);
  assert.equal(neostoreError(401, { title: 'Unauthorized' }).message, 'Unauthorized');
  assert.equal(neostoreError(401, {}).kind, 'auth');
  assert.equal(neostoreError(400, { detail: 'secrets quota exceeded' }).kind, 'quota');
  assert.equal(neostoreError(415, { title: 'Unsupported Media Type' }).kind, 'validation');
});

test('deleteEach tries every item and reports every failure in one error, named', async () => {
  const deleted: string[] = [];
  const remove = async (id: string) => {
    if (id.startsWith('gone')) throw new SstoreError('not_found', `${id} not found`);
    deleted.push(id);
  };
  await assert.rejects(deleteEach(['a', 'gone-1', 'b', 'gone-2'], remove, (id) => `key-${id}`), (error: SstoreError) => {
    assert.equal(error.kind, 'not_found');
    assert.equal(error.message, 'deleted 2 of 4 secrets; not deleted: key-gone-1 (gone-1 not found); key-gone-2 (gone-2 not found)');
    assert.equal(error.details.length, 2);
    return true;
  });
  assert.deepEqual(deleted, ['a', 'b']);
  const mixed = async (id: string) => {
    throw new SstoreError(id === 'x' ? 'permission' : 'not_found', 'no');
  };
  await assert.rejects(deleteEach(['x', 'y'], mixed), (error: SstoreError) => error.kind === 'internal');
  await assert.rejects(deleteEach(['x'], mixed), (error: SstoreError) => error.kind === 'permission' && error.message === 'no');
});

test('window times: ISO 8601 (UTC without a zone), offsets, +N units; impossible dates refused', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseInstant('2026-06-30', now), '2026-06-30T00:00:00.000Z');
  assert.equal(parseInstant('2026-06-30T23:59:59', now), '2026-06-30T23:59:59.000Z');
  assert.equal(parseInstant('2026-06-30T23:59:59.1234567+02:00', now), '2026-06-30T21:59:59.123Z');
  assert.equal(parseInstant('2026-06-30T10:00-0130', now), '2026-06-30T11:30:00.000Z');
  assert.equal(parseInstant('+90s', now), '2026-01-01T00:01:30.000Z');
  assert.equal(parseInstant('+2w', now), '2026-01-15T00:00:00.000Z');
  for (const bad of ['tomorrow', '2026-02-30', '2026-13-01', '2026-01-01T24:00:00Z', '+5y', '1767225600']) assert.throws(() => parseInstant(bad, now), bad);
  assert.equal(windowOf({}), undefined);
  assert.deepEqual(windowOf({ expiresOn: '2026-01-02T00:00:00.000Z' }, now), { expiresOn: '2026-01-02T00:00:00.000Z' });
  assert.throws(() => windowOf({ notBefore: '2026-01-02T00:00:00.000Z', expiresOn: '2026-01-02T00:00:00.000Z' }, now), /later than/);
  assert.throws(() => windowOf({ expiresOn: '2025-12-31T23:59:59.000Z' }, now), /--expires-on is in the past/);
  assert.throws(() => windowOf({ expiresOn: '2026-01-01T00:00:00.000Z' }, now), /--expires-on is in the past/, 'a window ending now is over');
});

test('responses are checked before use: a missing id is an error naming the field, never the string "undefined"', async () => {
  const { PROVIDERS } = await import('../../src/providers/registry.ts');
  const answering = (body: unknown) => ({
    baseUrl: 'http://x.test',
    request: async () => ({ status: 200, body, contentType: 'application/json' }),
  });
  const cf = PROVIDERS.cloudflare.connect({ http: answering({ success: true, result: { name: 'S', scopes: ['workers'] } }), account: 'a' });
  await assert.rejects(cf.getSecret('store', 'id'), (error: SstoreError) => error.reason === 'bad_response' && /\(id: missing\)/.test(error.message));
  const cfQuota = PROVIDERS.cloudflare.connect({ http: answering({ success: true, result: { secrets: { usage: 'many' } } }), account: 'a' });
  await assert.rejects(cfQuota.quota(), /secrets\.usage: expected number/);
  const sgp = PROVIDERS.sgp.connect({ http: answering({ id: 7, key: 'k' }), account: 'a' });
  await assert.rejects(sgp.getSecret('a', 'x'), /\(id: expected string\)/);
  const neo = PROVIDERS.neostore.connect({ http: answering(['ok', 3]), account: 't' });
  await assert.rejects(neo.quota(), /key list .*\(1: expected string\)/);
  // What is well-formed passes through, raw kept exactly as sent for --json.
  const body = { success: true, result: { modified: 'm', id: 'i', name: 'S', extra: 1 } };
  const ok = await PROVIDERS.cloudflare.connect({ http: answering(body), account: 'a' }).getSecret('s', 'i');
  assert.deepEqual([ok.id, ok.name, ok.scopes, ok.comment], ['i', 'S', [], '']);
  assert.equal(JSON.stringify(ok.raw), JSON.stringify(body.result));
});

test('every provider descriptor names what messages and the environment need, and refuses what it cannot do the same way', async () => {
  const { allProviders } = await import('../../src/providers/registry.ts');
  const { requireSupport } = await import('../../src/providers/support.ts');
  const { PROVIDER_NAMES } = await import('../../src/provider-names.ts');
  assert.deepEqual(allProviders().map((d) => d.name), [...PROVIDER_NAMES]);
  for (const d of allProviders()) {
    assert.match(d.env.account, /^[A-Z]+_[A-Z_]+$/);
    assert.ok(new URL(d.defaultUrl).protocol === 'https:', d.name);
    const provider = { descriptor: d, capabilities: d.capabilities };
    if (!d.capabilities.nativeStores) {
      assert.throws(() => requireSupport(provider, { stores: 'stores create' }), (e: SstoreError) => e.kind === 'unsupported' && e.message === `stores create is not supported by the ${d.name} provider` && e.hint!.includes(d.accountNoun));
    }
    if (!d.capabilities.canReveal) {
      assert.throws(() => requireSupport(provider, { reveal: 'sstore run' }), (e: SstoreError) => e.reason === 'write_only' && e.message.startsWith(d.valuesNoun));
    }
  }
});
