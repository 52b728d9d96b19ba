import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const ROOT = 'root-token-for-limits';
const QUOTA = 3;
const MAX_BODY = 2048;

const server = await startServer({
  env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }),
  dataDir: tempDir(),
  args: ['--quota', String(QUOTA), '--max-body-bytes', String(MAX_BODY)],
});

async function send(method: string, path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'x-api-key': ROOT, 'x-selected-account-id': 'acct', 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The parts of the error bodies these tests read: SGP's {"detail"} and Neostore's ProblemDetails. */
const errorBody = (text: string) => JSON.parse(text) as { detail: string; status?: number };

test('the secrets quota is per provider and account: SGP answers 400 {"detail"}, Neostore 400 ProblemDetails', async () => {
  for (let i = 0; i < QUOTA; i++) {
    assert.equal((await send('POST', '/v5/sgp/secrets', JSON.stringify({ key: `k${i}`, value: 'v' }))).status, 200);
    assert.equal((await send('PUT', `/api/acct/secrets/k${i}`, JSON.stringify({ value: 'v' }))).status, 204);
  }
  const sgp = await send('POST', '/v5/sgp/secrets', JSON.stringify({ key: 'one-too-many', value: 'v' }));
  assert.equal(sgp.status, 400);
  assert.match(errorBody(sgp.text).detail, /quota/);
  const neo = await send('PUT', '/api/acct/secrets/one-too-many', JSON.stringify({ value: 'v' }));
  assert.equal(neo.status, 400);
  assert.equal(neo.type, 'application/problem+json');
  assert.match(errorBody(neo.text).detail, /quota/);
  // Replacing an existing key adds nothing, so it still works at the quota.
  assert.equal((await send('PUT', '/api/acct/secrets/k0', JSON.stringify({ value: 'v2' }))).status, 204);
});

test('a body over --max-body-bytes is 413 in each dialect\'s shape', async () => {
  const big = JSON.stringify({ key: 'big', value: 'x'.repeat(MAX_BODY) });
  const sgp = await send('POST', '/v5/sgp/secrets', big);
  assert.equal(sgp.status, 413);
  assert.equal(typeof errorBody(sgp.text).detail, 'string');
  const neo = await send('PUT', '/api/acct/secrets/big', JSON.stringify({ value: 'x'.repeat(MAX_BODY) }));
  assert.equal(neo.status, 413);
  assert.equal(neo.type, 'application/problem+json');
  assert.equal(errorBody(neo.text).status, 413);
});
