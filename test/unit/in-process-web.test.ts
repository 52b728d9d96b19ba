import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiteFormData, LiteHeaders, LiteRequest, LiteResponse } from '../../src/http/in-process-web.ts';

// The light classes stand in for Node's (undici) in the embedded store: each check runs on both and must agree.

async function requestView(request: Request | LiteRequest) {
  return { url: request.url, method: request.method, headers: [...request.headers], text: await request.text() };
}

async function responseView(response: Response | LiteResponse) {
  return { status: response.status, ok: response.ok, statusText: response.statusText, headers: [...response.headers], text: await response.text() };
}

test('LiteHeaders: case-insensitive names, trimmed values, appends joined, sorted iteration, as Headers', () => {
  const build = (H: typeof Headers | typeof LiteHeaders) => {
    const h = new H({ 'X-B': ' two ', 'content-type': 'application/json' });
    h.append('x-b', 'three');
    h.set('Accept', 'text/plain');
    h.delete('CONTENT-TYPE');
    const seen: string[] = [];
    h.forEach((value, name) => seen.push(`${name}=${value}`));
    return { entries: [...h], get: h.get('X-b'), has: h.has('accept'), missing: h.get('nope'), seen, copy: [...new H(h)] };
  };
  assert.deepEqual(build(LiteHeaders), build(Headers));
  assert.deepEqual([...new LiteHeaders([['a', '1'], ['A', '2']])], [...new Headers([['a', '1'], ['A', '2']])]);
  assert.throws(() => new LiteHeaders({ 'bad name': 'x' }), TypeError);
  assert.throws(() => new LiteHeaders().set('x', 'a\nb'), TypeError);
});

test('LiteRequest: URL and method normalized, default content type and length, body read once, as Request', async () => {
  const url = 'http://sstore.in-process/client/v4/a b?x=1&y=é';
  const cases: [string, RequestInit][] = [
    [url, {}],
    [url, { method: 'post', body: 'plain', headers: { 'user-agent': 'sstore/test' } }],
    [url, { method: 'PATCH', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } }],
    [url, { method: 'delete' }],
  ];
  for (const [input, init] of cases) {
    const lite = await requestView(new LiteRequest(input, init as ConstructorParameters<typeof LiteRequest>[1]));
    const real = await requestView(new Request(input, init));
    // An HTTP client sends the length on the wire; the light request carries it, as the server would see it.
    const length: [string, string][] = init.body === undefined ? [] : [['content-length', String(Buffer.byteLength(String(init.body)))]];
    assert.deepEqual(lite, { ...real, headers: [...real.headers, ...length].sort((x, y) => (x[0] < y[0] ? -1 : 1)) }, `${init.method ?? 'GET'}`);
  }
  const once = new LiteRequest(url, { method: 'POST', body: '{"a":1}' });
  assert.deepEqual(await once.json(), { a: 1 });
  assert.equal(once.bodyUsed, true);
  await assert.rejects(once.text(), TypeError);
  assert.throws(() => new LiteRequest(url, { body: 'x' }), TypeError);
  const copied = new LiteRequest(new LiteRequest(url, { method: 'PUT', body: 'abc' }));
  assert.equal(copied.method, 'PUT');
  assert.equal(await copied.text(), 'abc');
  assert.ok(new LiteRequest(url, { method: 'POST', body: 'x' }).body, 'a request with a body has a stream');
  assert.equal(new LiteRequest(url).body, null);
});

test('LiteResponse: status, ok, default content type, empty bodies, as Response', async () => {
  const cases: [string | null | undefined, ResponseInit | undefined][] = [
    ['{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } }],
    ['not found', { status: 404 }],
    [null, { status: 204 }],
    [undefined, undefined],
    ['', { status: 202, statusText: 'Accepted', headers: [['x-should-retry', 'false']] }],
  ];
  for (const [body, init] of cases) {
    assert.deepEqual(await responseView(new LiteResponse(body, init as ConstructorParameters<typeof LiteResponse>[1])), await responseView(new Response(body, init)));
  }
  assert.throws(() => new LiteResponse('x', { status: 204 }), TypeError);
  assert.throws(() => new LiteResponse(null, { status: 99 }), RangeError);
  // Hono rebuilds a response from its body and itself when a header is set after it was made.
  const first = new LiteResponse('{"a":1}', { status: 201, headers: { 'content-type': 'application/json' } });
  const rebuilt = new LiteResponse(first.body, first);
  rebuilt.headers.set('cache-control', 'no-store');
  assert.deepEqual(await responseView(rebuilt), { status: 201, ok: true, statusText: '', headers: [['cache-control', 'no-store'], ['content-type', 'application/json']], text: '{"a":1}' });
  const blob = await new LiteResponse('bytes', { headers: { 'content-type': 'application/octet-stream' } }).blob();
  assert.equal(blob.type, 'application/octet-stream');
  assert.equal(await blob.text(), 'bytes');
});

test('LiteFormData only answers instanceof: the embedded store takes no forms', () => {
  assert.equal(({ a: 1 }) instanceof LiteFormData, false);
  assert.throws(() => new LiteFormData(), TypeError);
});
