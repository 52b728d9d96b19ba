import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isolatedEnv, tempDir } from '../helpers/env.ts';
import { startServer } from '../helpers/server.ts';

const ROOT = 'root-token-for-neostore-windows';
const TENANT = 'window-tenant';
const AHEAD_MS = 3_000;

const server = await startServer({ env: isolatedEnv({ SSTORE_ROOT_TOKEN: ROOT }), dataDir: tempDir() });
const auth = { 'X-API-KEY': ROOT };

async function put(key: string, body: unknown): Promise<void> {
  const response = await fetch(`${server.url}/api/${TENANT}/secrets/${key}`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 204, await response.text());
}

async function get(key: string): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(`${server.url}/api/${TENANT}/secrets/${key}`, { headers: { ...auth, accept: 'text/plain' } });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

async function keys(): Promise<string[]> {
  const response = await fetch(`${server.url}/api/${TENANT}/secrets`, { headers: auth });
  return (await response.json()) as string[];
}

/** The body of a 404, without the per-request traceId: the same for missing, expired and not yet valid. */
function notFoundBody(text: string): unknown {
  const { traceId, instance, ...rest } = JSON.parse(text) as Record<string, unknown>;
  assert.match(String(traceId), /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  assert.equal(typeof instance, 'string');
  return rest;
}

test('an expiresOn in the past is 404 at once, like a missing key; a later PUT without options makes it permanent', async () => {
  await put('expired', { value: 'old', options: { expiresOn: new Date(Date.now() - 60_000).toISOString() } });
  const expired = await get('expired');
  assert.equal(expired.status, 404);
  assert.equal(expired.type, 'application/problem+json');
  const missing = await get('never-there');
  assert.deepEqual(notFoundBody(expired.text), notFoundBody(missing.text));
  assert.ok(!(await keys()).includes('expired'));
  await put('expired', { value: 'renewed' });
  assert.equal((await get('expired')).text, 'renewed');
});

test('a window with both ends, in .NET and offset formats, is honoured', async () => {
  const hourAgo = new Date(Date.now() - 3_600_000);
  const inAnHour = new Date(Date.now() + 3_600_000);
  // 7 fractional digits and a +02:00 offset, as a .NET client may send.
  const withOffset = (d: Date) => `${new Date(d.getTime() + 7_200_000).toISOString().slice(0, 19)}.1234567+02:00`;
  await put('windowed', { value: 'inside', options: { notBefore: withOffset(hourAgo), expiresOn: withOffset(inAnHour) } });
  assert.equal((await get('windowed')).text, 'inside');
  await put('future-only', { value: 'later', options: { notBefore: inAnHour.toISOString() } });
  assert.equal((await get('future-only')).status, 404);
  const listed = await keys();
  assert.ok(listed.includes('windowed'));
  assert.ok(!listed.includes('future-only'));
  // Outside its window a secret can still be deleted.
  const deleted = await fetch(`${server.url}/api/${TENANT}/secrets/future-only`, { method: 'DELETE', headers: auth });
  assert.equal(deleted.status, 204);
});

test('notBefore a few seconds ahead: 404 now, 200 once it has passed; expiresOn a few seconds ahead: the reverse', async () => {
  const start = Date.now();
  const edge = new Date(start + AHEAD_MS);
  await put('opens-soon', { value: 'now-open', options: { notBefore: edge.toISOString() } });
  await put('closes-soon', { value: 'still-open', options: { expiresOn: edge.toISOString() } });
  const early = [await get('opens-soon'), await get('closes-soon')];
  const earlyKeys = await keys();
  // On a machine too slow to read before the edge, these early checks would say nothing; they hold otherwise.
  if (Date.now() < edge.getTime()) {
    assert.equal(early[0]!.status, 404);
    assert.equal(early[1]!.status, 200);
    assert.equal(early[1]!.text, 'still-open');
    assert.ok(!earlyKeys.includes('opens-soon'));
    assert.ok(earlyKeys.includes('closes-soon'));
  }
  await sleep(Math.max(0, edge.getTime() - Date.now()) + 250);
  const opened = await get('opens-soon');
  assert.equal(opened.status, 200);
  assert.equal(opened.text, 'now-open');
  assert.equal((await get('closes-soon')).status, 404);
  const lateKeys = await keys();
  assert.ok(lateKeys.includes('opens-soon'));
  assert.ok(!lateKeys.includes('closes-soon'));
});
