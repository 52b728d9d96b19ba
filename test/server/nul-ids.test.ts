/**
 * A NUL byte in a path's id (`%00`): the engine finds nothing by it (engine/nul.ts; PostgreSQL cannot store it).
 * Either way the client gets its dialect's 4xx, never a 500 (found on PostgreSQL by the fuzz test).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secretsPath, startCf, storesPath } from './cf-fixture.ts';

test('an id holding a NUL byte is a 4xx on every route that looks it up, on either backend', async () => {
  const cf = await startCf();
  const store = (await cf.call<{ id: string }>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
  const replies = [
    await cf.call('GET', `${storesPath()}/%00`),
    await cf.call('PATCH', `${secretsPath('%00')}/0123456789abcdef0123456789abcdef`, { body: { comment: 'c' } }),
    await cf.call('GET', `${secretsPath(store)}/%00`),
    await cf.call('DELETE', `${secretsPath(store)}/a%00b`),
  ];
  for (const reply of replies) {
    assert.ok(reply.status >= 400 && reply.status < 500, `${reply.status} ${reply.text}`);
    assert.equal(reply.json.success, false);
  }
});
