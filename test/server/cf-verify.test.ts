/**
 * Issue 12, item 5: wrangler calls `GET /client/v4/user/tokens/verify` (its whoami) after any authentication error.
 * It is answered as Cloudflare does: the token's id and "active" for a valid token, a 401 envelope otherwise.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Cloudflare from 'cloudflare';
import { assertFailure, startCf } from './cf-fixture.ts';

const cf = await startCf();

test('a valid token verifies as active with its id, through the official SDK', async () => {
  const reader = await cf.createToken('reader', 'read');
  const verified = await cf.sdk(reader).user.tokens.verify();
  assert.equal(verified.status, 'active');
  assert.match(verified.id, /^[0-9a-f]{32}$/);
  const list = await fetch(`${cf.server.api}/user/tokens/verify`, { headers: { authorization: `Bearer ${reader}` } });
  const body = (await list.json()) as { success: boolean; messages: { code: number; message: string }[] };
  assert.equal(body.success, true);
  assert.deepEqual(body.messages.map((m) => m.code), [10000]);
});

test('an unknown token, or none, is a 401 envelope (AuthenticationError in the SDK), never 7003', async () => {
  await assert.rejects(cf.sdk('not-a-valid-token').user.tokens.verify(), Cloudflare.AuthenticationError);
  assertFailure(await cf.call('GET', '/user/tokens/verify', { token: 'not-a-valid-token' }), 401, 10000, /token is not valid/);
  assertFailure(await cf.call('GET', '/user/tokens/verify', { token: null }), 401, 10000, /no credentials/);
});
