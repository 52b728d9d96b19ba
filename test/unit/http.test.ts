import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoff, createHttpClient, redactUrl, retryAfterMs } from '../../src/http/client.ts';
import { cloudflareError as responseError } from '../../src/providers/cloudflare-errors.ts';
import { collect, paginate } from '../../src/http/pagination.ts';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';

const envelope = (status: number, code: number, message: string) => ({ success: false, errors: [{ code, message }], messages: [], result: null, status });

test('API failures map to one error kind each, with the API codes kept', () => {
  const cases: [number, number, string, string][] = [
    [400, 1001, 'secret_name_invalid: bad name', 'validation'],
    [422, 1001, 'unprocessable', 'validation'],
    [401, 10000, 'authentication_error: the token is not valid', 'auth'],
    [403, 10000, 'permission_denied: no', 'permission'],
    [404, 1001, 'secret_not_found: gone', 'not_found'],
    [409, 1003, 'store_not_empty: has secrets', 'conflict'],
    [400, 1003, 'maximum_stores_exceeded: one store per account', 'quota'],
    [400, 1003, 'secret_name_already_exists: A', 'conflict'],
    [429, 971, 'slow down', 'network'],
    [502, 1002, 'bad gateway', 'network'],
  ];
  for (const [status, code, message, kind] of cases) {
    const error = responseError(status, envelope(status, code, message));
    assert.equal(error.kind, kind, `${status} ${message}`);
    assert.equal(error.status, status);
    assert.deepEqual(error.details, [{ code, message }]);
  }
  const split = responseError(404, envelope(404, 1001, 'secret_not_found: no secret X'));
  assert.equal(split.reason, 'secret_not_found');
  assert.equal(split.message, 'no secret X');
  assert.equal(exitCodeFor(responseError(400, envelope(400, 1003, 'maximum_stores_exceeded: x')).kind), 6);
  assert.equal(responseError(500, '<html>oops</html>').message, 'the API failed (HTTP 500): the API answered HTTP 500');
});

test('Retry-After is read as seconds or as a date, capped, and ignored when unreadable', () => {
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs('0'), 0);
  assert.equal(retryAfterMs(null), undefined);
  assert.equal(retryAfterMs('soon'), undefined);
  assert.equal(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1)), 10_000);
  assert.equal(retryAfterMs('99999'), 60_000);
});

test('backoff doubles per attempt, stays within half and all of the step, and is capped', () => {
  for (let attempt = 0; attempt < 8; attempt++) {
    const step = Math.min(8000, 500 * 2 ** attempt);
    for (let i = 0; i < 50; i++) {
      const ms = backoff(attempt, 500, 8000);
      assert.ok(ms >= step / 2 && ms <= step, `${ms} for attempt ${attempt}`);
    }
  }
});

test('logged URLs carry no user-info', () => {
  assert.equal(redactUrl('https://user:pw@example.com/a', { page: 1 }), 'https://example.com/a?page=1');
});

test('pagination asks 100 at a time and stops on an empty page or a short one', async () => {
  const asked: number[] = [];
  const items = Array.from({ length: 250 }, (_, i) => i);
  const all = await collect(
    paginate(async (page, perPage) => {
      asked.push(page);
      assert.equal(perPage, 100);
      return { items: items.slice((page - 1) * perPage, page * perPage) };
    }),
  );
  assert.equal(all.length, 250);
  assert.deepEqual(asked, [1, 2, 3]);
  const exact: number[] = [];
  await collect(paginate(async (page) => (exact.push(page), { items: page <= 2 ? Array(100).fill(0) : [] })));
  assert.deepEqual(exact, [1, 2, 3]);
});

test('the client unwraps failures into SstoreError and sends the User-Agent, through an injected fetch', async () => {
  const seen: Request[] = [];
  const client = createHttpClient({
    baseUrl: 'http://x.test/client/v4/',
    headers: { authorization: 'Bearer t0k' },
    timeoutMs: 1000,
    retries: 0,
    errorFor: responseError,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      seen.push(request);
      return Response.json(envelope(404, 1001, 'store_not_found: no store'), { status: 404 });
    },
  });
  await assert.rejects(client.request('GET', '/accounts/a/secrets_store/stores/s'), (error: Error & { kind?: string }) => error.kind === 'not_found');
  assert.equal(seen[0]?.url, 'http://x.test/client/v4/accounts/a/secrets_store/stores/s');
  assert.match(seen[0]?.headers.get('user-agent') ?? '', /^sstore\/\d+\.\d+\.\d+/);
  assert.equal(seen[0]?.headers.get('authorization'), 'Bearer t0k');
});
