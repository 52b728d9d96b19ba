import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AuditEntry, auditHash, chainEntry, draft, GENESIS_HASH } from '../../src/engine/audit/entry.ts';
import { verifyChain } from '../../src/engine/audit/verify.ts';

// The audit chain's pure parts: the hash covers every field and nothing else, and verify names the first bad entry.

const ACTOR = { name: 'ci', osUser: 'runner' };

function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    entries.push(chainEntry(draft(ACTOR, 'secret.update', 1_000 + i, { storeId: 's', secretId: `x${i}`, name: `N${i}`, fields: ['value'] }), entries.at(-1)));
  }
  return entries;
}

test('the hash changes with every field, prev_hash included, and not with the order of detail keys', () => {
  const [entry] = chain(1);
  const { hash, ...fields } = entry!;
  assert.equal(auditHash(fields), hash);
  assert.equal(fields.prevHash, GENESIS_HASH);
  const changed: Partial<Omit<AuditEntry, 'hash'>>[] = [
    { id: 2 },
    { time: 1_001 },
    { actor: 'other' },
    { osUser: null },
    { action: 'secret.delete' },
    { namespace: 'sgp' },
    { storeId: 't' },
    { secretId: 'y' },
    { name: 'N' },
    { fields: ['comment'] },
    { fields: null },
    { detail: { version: 1 } },
    { prevHash: 'f'.repeat(64) },
  ];
  for (const change of changed) assert.notEqual(auditHash({ ...fields, ...change }), hash, JSON.stringify(change));
  assert.equal(auditHash({ ...fields, detail: { a: 1, b: 'x' } }), auditHash({ ...fields, detail: { b: 'x', a: 1 } }));
  // A field's text cannot spill into the next one: JSON keeps ["a,b", "c"] and ["a", "b,c"] apart.
  assert.notEqual(auditHash({ ...fields, storeId: 'a,b', secretId: 'c' }), auditHash({ ...fields, storeId: 'a', secretId: 'b,c' }));
});

test('verify: an intact chain, then the first altered, relinked, missing or unanchored entry', () => {
  const entries = chain(5);
  assert.deepEqual(verifyChain(entries), { entries: 5, head: { id: 5, hash: entries[4]!.hash }, problem: undefined });
  assert.deepEqual(verifyChain([]), { entries: 0, head: undefined, problem: undefined });

  const altered = entries.map((e) => (e.id === 3 ? { ...e, name: 'forged' } : e));
  assert.equal(verifyChain(altered).problem?.id, 3);
  assert.equal(verifyChain(altered).problem?.fault, 'hash_mismatch');

  const rehashed = entries.map((e) => (e.id === 3 ? { ...e, name: 'forged', hash: auditHash({ ...e, name: 'forged' }) } : e));
  assert.deepEqual(verifyChain(rehashed).problem && [verifyChain(rehashed).problem!.id, verifyChain(rehashed).problem!.fault], [4, 'prev_hash_mismatch']);

  const gap = entries.filter((e) => e.id !== 4);
  assert.deepEqual([verifyChain(gap).problem?.id, verifyChain(gap).problem?.fault], [5, 'id_gap']);
  assert.match(verifyChain(gap).problem!.message, /^entry 5: entries 4\.\.4 are missing/);

  const headless = entries.slice(2);
  assert.deepEqual([verifyChain(headless).problem?.id, verifyChain(headless).problem?.fault], [3, 'head_unanchored']);
});

test('verify: after a prune, its entry vouches for the first kept one, and only with the right link', () => {
  const entries = chain(5);
  const kept = entries.slice(3); // 4 and 5; 1..3 pruned
  const prune = (detail: Record<string, string | number>) => chainEntry(draft(ACTOR, 'audit.prune', 2_000, { detail }), kept.at(-1));
  const honest = prune({ pruned: 3, before: 1_003, lastId: 3, lastHash: entries[2]!.hash });
  assert.equal(verifyChain([...kept, honest]).problem, undefined);
  const wrongHash = prune({ pruned: 3, before: 1_003, lastId: 3, lastHash: entries[1]!.hash });
  assert.equal(verifyChain([...kept, wrongHash]).problem?.fault, 'head_unanchored');
  const wrongId = prune({ pruned: 2, before: 1_002, lastId: 2, lastHash: entries[2]!.hash });
  assert.equal(verifyChain([...kept, wrongId]).problem?.fault, 'head_unanchored');
});
