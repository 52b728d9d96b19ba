/**
 * Issue 12, item 1: a large body refused before it is read (401, 403, 404, 413) must leave the connection usable for
 * the client's next request. The official SDK at maxRetries 0 sees the typed error every time, and a raw socket
 * gets both answers on the one connection it opened.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import Cloudflare from 'cloudflare';
import { ACCOUNT, ROOT_TOKEN, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireStore } from './cf-wire.ts';

const LIMIT = 200_000;
const cf = await startCf({ args: ['--max-body-bytes', String(LIMIT)] });
const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
const readOnly = await cf.createToken('reader', 'read');
const big = 'x'.repeat(400_000);

/**
 * Sends `first` (with a body of `size` bytes), then, once its answer arrives, a small GET on the same TCP connection;
 * resolves with the statuses received before the connection ended.
 */
function twoOnOneConnection(first: { method: string; path: string; token: string }, size: number): Promise<string[]> {
  const url = new URL(cf.server.api);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    let sentSecond = false;
    const statuses = () => [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]!);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (statuses().length === 1 && !sentSecond) {
        sentSecond = true;
        socket.write(`GET /client/v4/accounts/${ACCOUNT}/secrets_store/quota HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ROOT_TOKEN}\r\n\r\n`);
      }
      if (statuses().length === 2) {
        socket.end();
        resolve(statuses());
      }
    });
    socket.on('close', () => resolve(statuses()));
    socket.on('error', reject);
    socket.write(
      `${first.method} /client/v4${first.path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${first.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
    );
    socket.write('x'.repeat(size));
  });
}

test('after a refused large body, the same connection answers the next request (401, 403, 404, 413)', async () => {
  const cases = [
    { method: 'PATCH', path: `${secretsPath('0'.repeat(32))}/${'0'.repeat(32)}`, token: ROOT_TOKEN, status: '404' },
    { method: 'POST', path: secretsPath(store), token: 'not-a-token', status: '401' },
    { method: 'POST', path: secretsPath(store), token: readOnly, status: '403' },
    { method: 'POST', path: secretsPath(store), token: ROOT_TOKEN, status: '413' },
  ];
  let kept = 0;
  for (const refused of cases) {
    for (let i = 0; i < 5; i++) {
      const statuses = await twoOnOneConnection(refused, 400_000);
      assert.deepEqual(statuses, [refused.status, '200'], `${refused.method} ${refused.path} as ${refused.status}`);
      kept++;
    }
  }
  assert.equal(kept, 20);
});

test('the official SDK at maxRetries 0 gets the typed error every time, never a connection error', async () => {
  const secrets = cf.sdk().secretsStore.stores.secrets;
  const stranger = new Cloudflare({ apiToken: 'not-a-token', baseURL: cf.server.api, maxRetries: 0 });
  for (let i = 0; i < 15; i++) {
    await assert.rejects(
      secrets.edit('0'.repeat(32), { account_id: ACCOUNT, store_id: '0'.repeat(32), value: big }),
      Cloudflare.NotFoundError,
    );
    await assert.rejects(
      stranger.secretsStore.stores.secrets.edit('0'.repeat(32), { account_id: ACCOUNT, store_id: store, value: big }),
      Cloudflare.AuthenticationError,
    );
    await assert.rejects(secrets.create(store, { account_id: ACCOUNT, body: [{ name: 'BIG', value: big, scopes: ['workers'] }] }), (error) => {
      assert.ok(error instanceof Cloudflare.APIError && !(error instanceof Cloudflare.APIConnectionError), String(error));
      assert.equal(error.status, 413);
      return true;
    });
    const quota = await cf.sdk().secretsStore.quota.get({ account_id: ACCOUNT });
    assert.equal(quota.secrets?.usage, 0);
  }
});

test('a chunked body over the limit is refused with 413 and Connection: close (its rest was never read)', async () => {
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(big.slice(0, 100_000)));
      controller.close();
    },
  });
  const response = await fetch(`${cf.server.api}${secretsPath(store)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ROOT_TOKEN}`, 'content-type': 'application/json' },
    body: chunks,
    duplex: 'half',
  } as RequestInit);
  assert.equal(response.status, 413);
  assert.equal(response.headers.get('connection'), 'close');
  assert.match(await response.text(), /larger than 200000 bytes/);
  assert.equal((await cf.call('GET', '/accounts/' + ACCOUNT + '/secrets_store/quota')).status, 200);
});
