import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Actor } from '../../../src/engine/actor.ts';
import { verifyChain } from '../../../src/engine/audit/verify.ts';
import type { StorageItem } from '../../../src/engine/storage/storage.ts';
import { engineOn } from './audit.ts';
import type { ContractBackend } from './kit.ts';
import { rejectsWith, withDatabase } from './kit.ts';

// Secret history: each new value keeps the one it replaces, numbered per secret, up to keepVersions; a rollback
// makes an old value current as a new version; deleting a secret deletes its history; a copy keeps all of it.

const BOB: Actor = { name: 'bob', osUser: null };
const CAROL: Actor = { name: 'carol', osUser: null };

async function* toAsync(items: StorageItem[]): AsyncIterable<StorageItem> {
  yield* items;
}

export function history(backend: ContractBackend): void {
  test(`${backend.name}: versions are numbered, kept up to keepVersions, rolled back, and deleted with their secret`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const engine = engineOn(s, 2);
      const st = await engine.createStore('cloudflare', 'acct', 'main', null, BOB);
      const [a] = await engine.createSecrets(st, [{ name: 'A', value: 'one', scopes: [], comment: null }], BOB);
      const id = a!.id;
      assert.deepEqual(
        (await engine.listVersions(st, id)).map((v) => [v.version, v.actor, v.current]),
        [[1, 'bob', true]],
      );
      for (const value of ['two', 'three', 'four']) await engine.patchSecret(st, id, { value }, CAROL);
      await engine.patchSecret(st, id, { comment: 'not a value' }, BOB); // no new version
      const versions = await engine.listVersions(st, id);
      assert.deepEqual(versions.map((v) => [v.version, v.actor, v.current]), [[4, 'carol', true], [3, 'carol', false], [2, 'carol', false]]);
      assert.ok(versions[0]!.created > versions[1]!.created && versions[1]!.created > versions[2]!.created);
      assert.equal(await s.getSealedVersion(st.id, id, 1), undefined, 'beyond keepVersions: dropped');
      assert.equal((await engine.revealSecret(st, id, BOB, 2)).toString(), 'two');
      assert.equal((await engine.revealSecret(st, id, BOB, 4)).toString(), 'four', 'the current value is the newest version');

      const rolled = await engine.rollbackSecret(st, id, 2, BOB);
      assert.equal(rolled.updatedBy, 'bob');
      assert.equal((await engine.revealSecret(st, id, BOB)).toString(), 'two');
      assert.deepEqual((await engine.listVersions(st, id)).map((v) => [v.version, v.actor]), [[5, 'bob'], [4, 'carol'], [3, 'carol']]);

      // 0 keeps none: the next value drops every earlier one.
      await engineOn(s, 0).patchSecret(st, id, { value: 'six' }, BOB);
      assert.deepEqual((await engine.listVersions(st, id)).map((v) => v.version), [6]);
      await engine.patchSecret(st, id, { value: 'seven' }, BOB);
      assert.deepEqual((await engine.listVersions(st, id)).map((v) => v.version), [7, 6]);

      await engine.deleteSecrets(st, [id], BOB);
      assert.deepEqual(await s.listVersions(st.id, id), []);
      assert.equal(await s.getSealedVersion(st.id, id, 6), undefined);
      await rejectsWith(engine.listVersions(st, id), 'not_found', 'secret_not_found');
      // A new secret of the same name starts again at 1, with none of the old history.
      const [again] = await engine.createSecrets(st, [{ name: 'A', value: 'fresh', scopes: [], comment: null }], BOB);
      assert.deepEqual((await engine.listVersions(st, again!.id)).map((v) => v.version), [1]);
      const text = JSON.stringify(await s.listAudit({}));
      for (const value of ['one', 'two', 'three', 'four', 'six', 'seven', 'fresh']) assert.ok(!text.includes(`"${value}"`));
    }));

  test(`${backend.name}: a deleted store takes its secrets' history with it`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const engine = engineOn(s);
      const st = await engine.createStore('cloudflare', 'acct', 'main', null, BOB);
      const [a] = await engine.createSecrets(st, [{ name: 'A', value: 'one', scopes: [], comment: null }], BOB);
      await engine.patchSecret(st, a!.id, { value: 'two' }, BOB);
      await engine.deleteStore(st, true, BOB);
      assert.deepEqual(await s.listVersions(st.id, a!.id), []);
      assert.equal(await s.getSealedVersion(st.id, a!.id, 1), undefined);
      const kinds = new Set<string>();
      for await (const item of s.exportAll()) kinds.add(item.kind);
      assert.ok(!kinds.has('version'), 'no version left behind');
    }));

  test(`${backend.name}: exportAll → importAll keeps the audit chain and every kept version`, () =>
    withDatabase(backend, async (source) =>
      withDatabase(backend, async (target) => {
        const s = await source.connect();
        const engine = engineOn(s);
        const st = await engine.createStore('cloudflare', 'acct', 'main', null, BOB);
        const [a, b] = await engine.createSecrets(
          st,
          ['A', 'B'].map((name) => ({ name, value: `${name}1`, scopes: [], comment: null })),
          BOB,
        );
        await engine.patchSecret(st, a!.id, { value: 'A2' }, CAROL);
        await engine.patchSecret(st, a!.id, { value: 'A3' }, BOB);
        await engine.revealSecret(st, b!.id, CAROL);
        const items: StorageItem[] = [];
        for await (const item of s.exportAll()) items.push(item);

        const t = await target.connect();
        await t.importAll(toAsync(items), { replace: false });
        assert.deepEqual(await t.listAudit({}), await s.listAudit({}));
        assert.equal(verifyChain(await t.listAudit({})).problem, undefined);
        assert.deepEqual(await t.listVersions(st.id, a!.id), await s.listVersions(st.id, a!.id));
        assert.deepEqual(await t.listVersions(st.id, b!.id), await s.listVersions(st.id, b!.id));
        const copy = engineOn(t);
        assert.equal((await copy.revealSecret(st, a!.id, BOB, 1)).toString(), 'A1');
        assert.equal((await copy.revealSecret(st, a!.id, BOB, 2)).toString(), 'A2');
        // The copy's chain goes on from the source's head, and a new value continues the numbering.
        await copy.patchSecret(st, a!.id, { value: 'A4' }, BOB);
        assert.deepEqual((await copy.listVersions(st, a!.id)).map((v) => v.version), [4, 3, 2, 1]);
        const entries = await t.listAudit({});
        assert.equal(entries.length, (await s.listAudit({})).length + 3, 'two reveals and the new value');
        assert.equal(verifyChain(entries).problem, undefined);
        // A target that holds a trail already is not empty.
        const other = await target.connect();
        await rejectsWith(other.importAll(toAsync(items.filter((i) => i.kind === 'audit')), { replace: false }), 'conflict', 'target_not_empty');
      }),
    ));
}
