/**
 * Issue 12, item 3: a client that announces a body and hangs up before sending it all is a client abort: the access
 * log says `aborted`, and nothing is reported as an internal error or counted as a 500.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { ACCOUNT, ROOT_TOKEN, startCf, storesPath } from './cf-fixture.ts';

const cf = await startCf();

function abortMidBody(method: string, path: string, headers: string): Promise<void> {
  const url = new URL(cf.server.url);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\n${headers}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`);
      setImmediate(() => socket.destroy());
    });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}

test('a body cut short by the client is logged as aborted, not as an internal error or a 500', { timeout: 20_000 }, async () => {
  await abortMidBody('POST', `/client/v4${storesPath()}`, `Authorization: Bearer ${ROOT_TOKEN}\r\n`);
  await abortMidBody('POST', '/v5/sgp/secrets', `x-api-key: ${ROOT_TOKEN}\r\nx-selected-account-id: a1\r\n`);
  await abortMidBody('PUT', '/api/t1/secrets/k', `x-api-key: ${ROOT_TOKEN}\r\n`);
  // The log is written after each request ends; wait for its three lines (the test's timeout bounds this).
  const aborted = () => cf.server.stderr().split('\n').filter((line) => / (POST|PUT) \S+ aborted \d/.test(line));
  while (aborted().length < 3) await sleep(20);
  assert.deepEqual(
    aborted().map((line) => line.split(' ')[2]).sort(),
    ['/api/t1/secrets/k', `/client/v4/accounts/${ACCOUNT}/secrets_store/stores`, '/v5/sgp/secrets'],
  );
  assert.doesNotMatch(cf.server.stderr(), /internal error| 500 /);
  // And the server goes on answering.
  assert.equal((await cf.call('GET', storesPath())).status, 200);
});
