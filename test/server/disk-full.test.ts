/**
 * Issue 12, item 4: a full disk. The data dir lives on a 2 MB tmpfs mounted by this test (CI runs as root); a filler
 * file takes the rest of it. Writes then answer 507 with each dialect's envelope and say "disk full", reads go on (a
 * reveal only when its audit entry could be written: issue 14 fails it closed), `server token create` fails with one
 * line and exit 1, and once the filler is gone writes work again, same process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openStorage } from '../../src/engine/storage/target.ts';
import { sqliteOnly } from '../helpers/backend.ts';
import { runCli } from '../helpers/cli.ts';
import { ACCOUNT, secretsPath, startCf, storesPath } from './cf-fixture.ts';
import type { WireSecret, WireStore } from './cf-wire.ts';

function mountTmpfs(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sstore-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  after(() => {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

// SQLite only: what fills up is the tmpfs the data dir lives on; a PostgreSQL server has no data dir.
const { skip: onPostgres } = sqliteOnly('fills the tmpfs the data dir lives on');
const mounted = onPostgres ? undefined : mountTmpfs();
const skip = onPostgres || (mounted === undefined ? 'needs root to mount a 2 MB tmpfs (CI runs as root)' : false);

/** Writes zeros until the disk refuses more; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  return path;
}

test('a full disk: 507 "disk full" in every dialect, reads go on, writes recover without a restart', { skip }, async () => {
  const dataDir = join(mounted!, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const cf = await startCf({ dataDir });
  const store = (await cf.call<WireStore>('POST', storesPath(), { body: { name: 'main' } })).json.result.id;
  const first = (await cf.call<WireSecret[]>('POST', secretsPath(store), { body: [{ name: 'FIRST', value: 'v1', scopes: ['workers'] }] })).json.result[0]!;
  const filler = fill(mounted!);

  // Until the WAL must grow, a write may still fit in space SQLite already holds; keep writing big values until one
  // is refused. Every answer is a 200 or a 507, never a 500.
  const statuses = new Set<number>();
  let refused;
  for (let i = 0; i < 100 && !refused; i++) {
    const reply = await cf.call('POST', secretsPath(store), { body: [{ name: `BIG${i}`, value: 'x'.repeat(60_000), scopes: ['workers'] }] });
    statuses.add(reply.status);
    if (reply.status !== 200) refused = reply;
  }
  assert.ok(refused, 'no write was refused on a full disk');
  assert.equal(refused.status, 507, refused.text);
  assert.equal(refused.json.success, false);
  assert.equal(refused.json.errors[0]!.code, 1002);
  assert.match(refused.json.errors[0]!.message, /^disk_full: disk full: /);
  for (const status of statuses) assert.ok(status === 200 || status === 507, `status ${status} on a full disk`);

  // SGP and Neostore writes: 507 in their own envelopes.
  const sgp = await fetch(`${cf.server.url}/v5/sgp/secrets`, {
    method: 'POST',
    headers: { 'x-api-key': 'root-token-for-tests', 'x-selected-account-id': 'a1', 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'k', value: 'x'.repeat(60_000) }),
  });
  assert.equal(sgp.status, 507);
  assert.match(((await sgp.json()) as { detail: string }).detail, /^disk full/);
  const neo = await fetch(`${cf.server.url}/api/t1/secrets/k`, {
    method: 'PUT',
    headers: { 'x-api-key': 'root-token-for-tests', 'content-type': 'application/json' },
    body: JSON.stringify({ value: 'x'.repeat(60_000) }),
  });
  assert.equal(neo.status, 507);
  assert.equal(neo.headers.get('content-type'), 'application/problem+json');
  assert.match(((await neo.json()) as { detail: string }).detail, /^disk full/);

  // Reads keep working. A reveal is recorded before its value is sent: it answers the value if its entry still fit in
  // space SQLite holds, else 507 like a write, never the value without its entry.
  assert.equal((await cf.call('GET', `${secretsPath(store)}/${first.id}`)).status, 200);
  const onFullDisk = await cf.reveal(store, first.id);
  assert.ok(onFullDisk.status === 200 ? onFullDisk.value === 'v1' : onFullDisk.status === 507, `a reveal answered ${onFullDisk.status}`);
  assert.equal((await cf.call('GET', `/accounts/${ACCOUNT}/secrets_store/quota`)).status, 200);

  // The CLI writing to the same data dir: one line naming the cause, exit 1.
  const token = await runCli(['server', 'token', 'create', '--name', 'ci', '--permissions', 'read', '--data', dataDir], { env: cf.env });
  assert.equal(token.code, 1, token.stderr);
  assert.match(token.stderr, /^error: disk full: cannot write to .*sstore\.db; nothing was changed/);
  assert.doesNotMatch(token.stderr, /rollback|    at /);
  assert.ok(token.stderr.trim().split('\n').length <= 2, token.stderr);

  // The CLI against the server over HTTP: one line saying so, exit 1, no retry.
  const put = await runCli(['secrets', 'put', 'VIA_CLI', '--store', 'main', '--verbose'], {
    env: { ...cf.env, SSTORE_API_URL: cf.server.api, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: 'root-token-for-tests' },
    input: 'x'.repeat(60_000),
  });
  assert.equal(put.code, 1, put.stderr);
  assert.match(put.stderr, /^error: disk full: cannot write to /m);
  assert.doesNotMatch(put.stderr, /retrying/);

  // Space freed: the same server writes again, and so does the CLI.
  rmSync(filler);
  const again = await cf.call('POST', secretsPath(store), { body: [{ name: 'AFTER', value: 'v2', scopes: ['workers'] }] });
  assert.equal(again.status, 200, again.text);
  const created = await runCli(['server', 'token', 'create', '--name', 'ci', '--permissions', 'read', '--data', dataDir], { env: cf.env });
  assert.equal(created.code, 0, created.stderr);
  assert.match(cf.server.stderr(), /disk full/);
  assert.equal((await cf.reveal(store, first.id)).value, 'v1');
  const storage = await openStorage({ kind: 'sqlite', dataDir });
  try {
    const reveals = await storage.listAudit({ action: 'secret.reveal' });
    assert.equal(reveals.length, onFullDisk.status === 200 ? 2 : 1, 'one entry per value sent');
  } finally {
    await storage.close();
  }
});
