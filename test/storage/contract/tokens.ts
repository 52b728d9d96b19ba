import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContractBackend } from './kit.ts';
import { audit, plain, rejectsWith, token, withDatabase } from './kit.ts';

// Tokens: found by their hash, listed in the order they were made, deleted by id or name, and a taken name handled
// as the caller asks.

export function tokens(backend: ContractBackend): void {
  test(`${backend.name}: a token is found by its hash, with that hash's bytes`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const t = token({ name: 'ci', permissions: ['read', 'write'], account: 'acct', service: 'svc' });
      assert.equal(await s.insertToken(t.token, t.hash, 'fail', audit('token.create')), true);
      const found = await s.findTokenByHash(t.hash);
      assert.deepEqual(plain(found?.token), t.token);
      assert.equal(Buffer.from(found!.hash).toString('hex'), t.hash);
      assert.equal(await s.findTokenByHash('0'.repeat(64)), undefined);
      const admin = token({ name: 'root', permissions: ['admin'] });
      await s.insertToken(admin.token, admin.hash, 'fail', audit('token.create'));
      assert.deepEqual(plain((await s.findTokenByHash(admin.hash))?.token), admin.token);
    }));

  test(`${backend.name}: tokens list in the order they were made (then by id)`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const made = [
        token({ name: 'c', created: 30 }),
        token({ name: 'a', created: 10 }),
        token({ name: 'b', created: 20, id: 'id-2' }),
        token({ name: 'd', created: 20, id: 'id-1' }),
      ];
      for (const t of made) await s.insertToken(t.token, t.hash, 'fail', audit('token.create'));
      assert.deepEqual((await s.listTokens()).map((t) => t.name), ['a', 'd', 'b', 'c']);
      assert.deepEqual(plain((await s.listTokens())[0]), made[1]!.token);
    }));

  test(`${backend.name}: token names and hashes are unique`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const first = token({ name: 'ci' });
      await s.insertToken(first.token, first.hash, 'fail', audit('token.create'));
      const sameName = token({ name: 'ci' });
      await rejectsWith(s.insertToken(sameName.token, sameName.hash, 'fail', audit('token.create')), 'conflict', 'token_name_already_exists');
      const sameHash = token({ name: 'other' });
      await rejectsWith(s.insertToken(sameHash.token, first.hash, 'fail', audit('token.create')), 'conflict', 'token_already_exists');
      await rejectsWith(s.insertToken(sameHash.token, first.hash, 'keep', audit('token.create')), 'conflict', 'token_already_exists');
      assert.deepEqual((await s.listTokens()).map((t) => t.name), ['ci']);
      assert.equal((await s.findTokenByHash(first.hash))?.token.id, first.token.id);
      assert.equal(await s.findTokenByHash(sameName.hash), undefined);
    }));

  test(`${backend.name}: a taken name: fail changes nothing, replace swaps the token, keep leaves it`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const first = token({ name: 'ci', permissions: ['read'] });
      await s.insertToken(first.token, first.hash, 'fail', audit('token.create'));
      const kept = token({ name: 'ci', permissions: ['admin'] });
      assert.equal(await s.insertToken(kept.token, kept.hash, 'keep', audit('token.create')), false);
      assert.equal(await s.findTokenByHash(kept.hash), undefined);
      assert.deepEqual(plain((await s.findTokenByHash(first.hash))?.token), first.token);
      const replaced = token({ name: 'ci', permissions: ['write'] });
      assert.equal(await s.insertToken(replaced.token, replaced.hash, 'replace', audit('token.create')), true);
      assert.equal(await s.findTokenByHash(first.hash), undefined, 'the old token is gone');
      assert.deepEqual(plain((await s.findTokenByHash(replaced.hash))?.token), replaced.token);
      assert.deepEqual((await s.listTokens()).map((t) => t.id), [replaced.token.id]);
      const fresh = token({ name: 'new' });
      assert.equal(await s.insertToken(fresh.token, fresh.hash, 'keep', audit('token.create')), true, 'keep inserts when the name is free');
      assert.equal(await s.insertToken(token({ name: 'new2' }).token, token({ name: 'x' }).hash, 'replace', audit('token.create')), true);
    }));

  test(`${backend.name}: a token is deleted by id or by name, once`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const a = token({ name: 'a' });
      const b = token({ name: 'b' });
      await s.insertToken(a.token, a.hash, 'fail', audit('token.create'));
      await s.insertToken(b.token, b.hash, 'fail', audit('token.create'));
      assert.equal(await s.deleteToken(a.token.id, audit('token.revoke')), true);
      assert.equal(await s.deleteToken(a.token.id, audit('token.revoke')), false);
      assert.equal(await s.findTokenByHash(a.hash), undefined);
      assert.equal(await s.deleteToken('b', audit('token.revoke')), true);
      assert.equal(await s.deleteToken('b', audit('token.revoke')), false);
      assert.equal(await s.findTokenByHash(b.hash), undefined);
      assert.deepEqual(await s.listTokens(), []);
    }));
}
