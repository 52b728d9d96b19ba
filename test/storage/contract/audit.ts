import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { Actor } from '../../../src/engine/actor.ts';
import { type AuditEntry, auditHash } from '../../../src/engine/audit/entry.ts';
import { verifyChain } from '../../../src/engine/audit/verify.ts';
import { createCipher } from '../../../src/engine/crypto.ts';
import { Engine } from '../../../src/engine/engine.ts';
import { DEFAULT_LIMITS } from '../../../src/engine/limits.ts';
import type { Storage } from '../../../src/engine/storage/storage.ts';
import type { ContractBackend } from './kit.ts';
import { audit, rejectsWith, scopeOf, sealed, secret, seed, store, withDatabase } from './kit.ts';

// The audit trail: one entry per mutation and reveal, written with it or not at all, chained so that an altered or
// removed row is found, prunable without breaking the chain, copied whole; and many writers still make one chain.

const ALICE: Actor = { name: 'alice', osUser: null };
const LOCAL: Actor = { name: 'local', osUser: 'someone' };
const CIPHER = createCipher(randomBytes(32));

export function engineOn(storage: Storage, keepVersions = DEFAULT_LIMITS.keepVersions): Engine {
  return new Engine(storage, CIPHER, { ...DEFAULT_LIMITS, maxStoresPerAccount: 2, keepVersions });
}

/** An entry without what is not known in advance (its time and hashes). */
function fields(e: AuditEntry) {
  return { id: e.id, actor: e.actor, osUser: e.osUser, action: e.action, namespace: e.namespace, storeId: e.storeId, secretId: e.secretId, name: e.name, fields: e.fields, detail: e.detail };
}

function intact(entries: AuditEntry[]): void {
  const report = verifyChain(entries);
  assert.equal(report.problem, undefined, report.problem?.message);
}

export function auditTrail(backend: ContractBackend): void {
  test(`${backend.name}: every mutation and reveal appends one entry with exactly its fields, and no value`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const engine = engineOn(s);
      const st = await engine.createStore('cloudflare', 'acct', 'main', null, ALICE);
      const [a, b] = await engine.createSecrets(
        st,
        [
          { name: 'A', value: 'value-of-a', scopes: ['workers'], comment: null },
          { name: 'B', value: 'value-of-b', scopes: ['workers'], comment: null },
        ],
        ALICE,
      );
      await engine.patchSecret(st, a!.id, { value: 'second-value', comment: 'rotated' }, LOCAL);
      await engine.patchSecret(st, a!.id, { scopes: ['dex'] }, LOCAL);
      assert.equal((await engine.revealSecret(st, a!.id, ALICE)).toString(), 'second-value');
      assert.equal((await engine.revealSecret(st, a!.id, ALICE, 1)).toString(), 'value-of-a');
      const copy = await engine.duplicateSecret(st, b!.id, { name: 'C', scopes: [], comment: null }, ALICE);
      await engine.rollbackSecret(st, a!.id, 1, ALICE);
      await engine.deleteSecrets(st, [b!.id, copy.id], ALICE);
      const { record: token } = await engine.createToken({ name: 'ci', permissions: ['read', 'write'] }, LOCAL);
      assert.equal(await engine.revokeToken('ci', LOCAL), true);
      await engine.deleteStore(st, true, ALICE);

      const entries = await s.listAudit({});
      const at = { namespace: 'cloudflare' as const, storeId: st.id };
      const none = { fields: null, detail: null };
      const alice = { actor: 'alice', osUser: null };
      const local = { actor: 'local', osUser: 'someone' };
      assert.deepEqual(entries.map(fields), [
        { id: 1, ...alice, action: 'store.create', ...at, secretId: null, name: 'main', ...none },
        { id: 2, ...alice, action: 'secret.create', ...at, secretId: a!.id, name: 'A', ...none },
        { id: 3, ...alice, action: 'secret.create', ...at, secretId: b!.id, name: 'B', ...none },
        { id: 4, ...local, action: 'secret.update', ...at, secretId: a!.id, name: 'A', fields: ['value', 'comment'], detail: null },
        { id: 5, ...local, action: 'secret.update', ...at, secretId: a!.id, name: 'A', fields: ['scopes'], detail: null },
        { id: 6, ...alice, action: 'secret.reveal', ...at, secretId: a!.id, name: 'A', ...none },
        { id: 7, ...alice, action: 'secret.reveal', ...at, secretId: a!.id, name: 'A', fields: null, detail: { version: 1 } },
        { id: 8, ...alice, action: 'secret.duplicate', ...at, secretId: copy.id, name: 'C', fields: null, detail: { source: b!.id } },
        { id: 9, ...alice, action: 'secret.rollback', ...at, secretId: a!.id, name: 'A', fields: ['value'], detail: { version: 1 } },
        { id: 10, ...alice, action: 'secret.delete', ...at, secretId: b!.id, name: 'B', ...none },
        { id: 11, ...alice, action: 'secret.delete', ...at, secretId: copy.id, name: 'C', ...none },
        { id: 12, ...local, action: 'token.create', namespace: null, storeId: null, secretId: null, name: 'ci', fields: null, detail: { id: token.id, permissions: 'read,write' } },
        { id: 13, ...local, action: 'token.revoke', namespace: null, storeId: null, secretId: null, name: 'ci', fields: null, detail: { id: token.id } },
        { id: 14, ...alice, action: 'store.delete', ...at, secretId: null, name: 'main', ...none },
      ]);
      for (let i = 1; i < entries.length; i++) assert.ok(entries[i]!.time >= entries[i - 1]!.time, 'times follow the ids');
      intact(entries);
      const text = JSON.stringify(entries);
      for (const value of ['value-of-a', 'value-of-b', 'second-value']) assert.ok(!text.includes(value), `${value} is in the trail`);
    }));

  test(`${backend.name}: a refused mutation or reveal appends nothing`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const engine = engineOn(s, 1);
      const st = await engine.createStore('cloudflare', 'acct', 'main', null, ALICE);
      for (const name of ['one', 'two']) await engine.createStore('cloudflare', 'full', name, null, ALICE);
      const [a] = await engine.createSecrets(st, [{ name: 'A', value: 'a', scopes: [], comment: null }], ALICE);
      await engine.createToken({ name: 'ci', permissions: ['read'] }, ALICE);
      const before = await s.listAudit({});
      const missing = 'f'.repeat(32);
      await rejectsWith(engine.createStore('cloudflare', 'full', 'three', null, ALICE), 'quota', 'maximum_stores_exceeded');
      await rejectsWith(engine.createStore('cloudflare', 'acct', 'main', null, ALICE), 'conflict');
      await rejectsWith(engine.createSecrets(st, [{ name: 'A', value: 'x', scopes: [], comment: null }], ALICE), 'conflict');
      await rejectsWith(engine.patchSecret(st, missing, { comment: 'x' }, ALICE), 'not_found');
      await rejectsWith(engine.deleteSecrets(st, [a!.id, missing], ALICE), 'not_found');
      await rejectsWith(engine.deleteStore(st, false, ALICE), 'conflict', 'store_not_empty');
      await rejectsWith(engine.createToken({ name: 'ci', permissions: ['read'] }, ALICE), 'conflict', 'token_name_already_exists');
      assert.equal(await engine.createToken({ name: 'ci', permissions: ['read'], ifNameTaken: 'keep' }, ALICE), undefined);
      assert.equal(await engine.revokeToken('nobody', ALICE), false);
      await rejectsWith(engine.revealSecret(st, missing, ALICE), 'not_found');
      await rejectsWith(engine.revealSecret(st, a!.id, ALICE, 7), 'not_found', 'version_not_found');
      await rejectsWith(engine.rollbackSecret(st, a!.id, 7, ALICE), 'not_found', 'version_not_found');
      // Creates of one turn share a transaction: the one refused leaves no entry, the others theirs.
      const outcomes = await Promise.allSettled(
        ['B', 'A', 'C'].map((name) => engine.createSecrets(st, [{ name, value: name, scopes: [], comment: null }], ALICE)),
      );
      assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
      const after = await s.listAudit({});
      assert.deepEqual(after.slice(0, before.length), before);
      assert.deepEqual(after.slice(before.length).map((e) => `${e.action} ${e.name}`), ['secret.create B', 'secret.create C']);
      intact(after);
    }));

  test(`${backend.name}: a bulk reveal records each secret in one append, and none when one id is missing`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const engine = engineOn(s);
      const st = await engine.createStore('cloudflare', 'acct', 'main', null, ALICE);
      const made = await engine.createSecrets(st, ['A', 'B'].map((name) => ({ name, value: `v-${name}`, scopes: [], comment: null })), ALICE);
      const before = (await s.listAudit({})).length;
      await rejectsWith(engine.revealSecrets(st, [made[0]!.id, 'f'.repeat(32)], LOCAL), 'not_found');
      assert.equal((await s.listAudit({})).length, before);
      const revealed = await engine.revealSecrets(st, made.map((m) => m.id), LOCAL);
      assert.deepEqual(revealed.map((r) => [r.secret.name, r.value.toString()]), [['A', 'v-A'], ['B', 'v-B']]);
      const entries = await s.listAudit({ afterId: before });
      assert.deepEqual(entries.map((e) => [e.action, e.actor, e.name, e.secretId]), [
        ['secret.reveal', 'local', 'A', made[0]!.id],
        ['secret.reveal', 'local', 'B', made[1]!.id],
      ]);
    }));

  test(`${backend.name}: verify names the first altered or removed entry`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      for (let i = 0; i < 6; i++) await s.appendAudit([audit('secret.reveal', { name: `S${i}` })]);
      const entries = await s.listAudit({});
      intact(entries);
      const table = db.table('audit');
      await db.sql(`UPDATE ${table} SET name = 'other' WHERE id = 3`);
      assert.deepEqual(pick(verifyChain(await s.listAudit({}))), { id: 3, fault: 'hash_mismatch' });
      // Rehashing the altered entry moves the break to the next one, whose prev_hash no longer matches.
      const forged = { ...entries[2]!, name: 'other' };
      await db.sql(`UPDATE ${table} SET hash = '${auditHash(forged)}' WHERE id = 3`);
      assert.deepEqual(pick(verifyChain(await s.listAudit({}))), { id: 4, fault: 'prev_hash_mismatch' });
      await db.sql(`UPDATE ${table} SET name = 'S2', hash = '${entries[2]!.hash}' WHERE id = 3`);
      intact(await s.listAudit({}));
      await db.sql(`DELETE FROM ${table} WHERE id = 5`);
      assert.deepEqual(pick(verifyChain(await s.listAudit({}))), { id: 6, fault: 'id_gap' });
      await db.sql(`DELETE FROM ${table} WHERE id = 1`);
      assert.deepEqual(pick(verifyChain(await s.listAudit({ afterId: 0, limit: 2 }))), { id: 2, fault: 'head_unanchored' });
    }));

  test(`${backend.name}: prune deletes the oldest entries, records itself, and the rest still verifies`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      for (let i = 0; i < 6; i++) await s.appendAudit([audit('secret.reveal', { name: `S${i}` })]);
      const entries = await s.listAudit({});
      const cut = entries[3]!.time;
      const prune = await s.pruneAudit(cut, audit('audit.prune'));
      assert.deepEqual(prune.detail, { pruned: 3, before: cut, lastId: 3, lastHash: entries[2]!.hash });
      const kept = await s.listAudit({});
      assert.deepEqual(kept.map((e) => e.id), [4, 5, 6, 7]);
      assert.deepEqual(kept.at(-1), prune);
      intact(kept);
      // Nothing older: an entry that says so, and the chain still verifies from entry 4.
      const nothing = await s.pruneAudit(cut, audit('audit.prune'));
      assert.deepEqual(nothing.detail, { pruned: 0, before: cut });
      intact(await s.listAudit({}));
      // Everything: the prune entry is then the first, and vouches for itself.
      await s.pruneAudit(Number.MAX_SAFE_INTEGER, audit('audit.prune'));
      const last = await s.listAudit({});
      assert.deepEqual(last.map((e) => e.id), [9]);
      intact(last);
      // Removing the first kept entry behind prune's back is found.
      await s.appendAudit([audit('secret.reveal')]);
      await db.sql(`DELETE FROM ${db.table('audit')} WHERE id = 9`);
      assert.deepEqual(pick(verifyChain(await s.listAudit({}))), { id: 10, fault: 'head_unanchored' });
    }));

  test(`${backend.name}: listAudit filters by time, actor, action, store, secret name, after an id, with a limit`, () =>
    withDatabase(backend, async (db) => {
      const s = await db.connect();
      const st = store({ name: 'main' });
      await s.appendAudit([
        audit('secret.reveal', { storeId: st.id, name: 'A' }),
        { ...audit('secret.reveal', { storeId: st.id, name: 'B' }), actor: 'bob' },
        audit('store.create', { storeId: st.id, name: 'A' }),
        audit('token.create', { name: 'A' }),
      ]);
      const all = await s.listAudit({});
      const ids = async (filter: Parameters<Storage['listAudit']>[0]) => (await s.listAudit(filter)).map((e) => e.id);
      assert.deepEqual(await ids({ since: all[2]!.time }), [3, 4]);
      assert.deepEqual(await ids({ actor: 'bob' }), [2]);
      assert.deepEqual(await ids({ action: 'secret.reveal' }), [1, 2]);
      assert.deepEqual(await ids({ storeId: st.id }), [1, 2, 3]);
      assert.deepEqual(await ids({ secretName: 'A' }), [1], 'only secret actions name a secret');
      assert.deepEqual(await ids({ afterId: 2, limit: 1 }), [3]);
      assert.deepEqual(await ids({ actor: 'contract', action: 'secret.reveal', storeId: st.id }), [1]);
    }));

  test(`${backend.name}: writers on several connections at once append one unbroken chain`, () =>
    withDatabase(backend, async (db) => {
      const setup = await db.connect();
      const st = store({ name: 'main' });
      await seed(setup, st);
      const racers = await Promise.all(Array.from({ length: 4 }, () => db.racer()));
      const results = await Promise.allSettled(
        racers.flatMap((s, r) =>
          Array.from({ length: 10 }, (_, i) => {
            const record = secret(st, { name: i === 9 ? 'SAME' : `r${r}-${i}` });
            return s.insertSecrets([{ record, sealed: sealed('v') }], scopeOf(st), 1_000, [
              audit('secret.create', { storeId: st.id, secretId: record.id, name: record.name }),
            ]);
          }).concat(s.appendAudit([audit('secret.reveal', { name: `reveal-${r}` })])),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(ok, 4 * 9 + 1 + 4, 'one SAME wins');
      const entries = await setup.listAudit({});
      assert.equal(entries.length, 1 + ok, 'the store, then one entry per success');
      assert.deepEqual(entries.map((e) => e.id), Array.from({ length: entries.length }, (_, i) => i + 1));
      assert.equal(entries.filter((e) => e.name === 'SAME').length, 1);
      intact(entries);
    }));
}

function pick(report: ReturnType<typeof verifyChain>) {
  return report.problem && { id: report.problem.id, fault: report.problem.fault };
}
