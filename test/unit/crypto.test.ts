import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createCipher, secretAad, sealedVersion } from '../../src/engine/crypto.ts';

test('sealed values open with the same key and AAD', () => {
  const cipher = createCipher(randomBytes(32));
  const sealed = cipher.seal(Buffer.from('hunter2'), secretAad('s1', 'x1', 'API_KEY'));
  assert.equal(cipher.open(sealed, secretAad('s1', 'x1', 'API_KEY')).toString(), 'hunter2');
});

test('the same value seals differently each time (random nonce)', () => {
  const cipher = createCipher(randomBytes(32));
  const a = Buffer.from(cipher.seal(Buffer.from('v'), 'aad'));
  const b = Buffer.from(cipher.seal(Buffer.from('v'), 'aad'));
  assert.notDeepEqual(a, b);
});

test('a ciphertext moved to another secret, a flipped bit or another key fails to open', () => {
  const key = randomBytes(32);
  const cipher = createCipher(key);
  const sealed = Buffer.from(cipher.seal(Buffer.from('value'), secretAad('s1', 'x1', 'API_KEY')));
  assert.throws(() => cipher.open(sealed, secretAad('s1', 'x2', 'API_KEY')), /tampered|wrong/);
  // The same row under another name (two rows' names swapped) fails too.
  assert.throws(() => cipher.open(sealed, secretAad('s1', 'x1', 'DB_PASSWORD')), /tampered|wrong/);
  const flipped = Buffer.from(sealed);
  flipped[flipped.length - 1]! ^= 1;
  assert.throws(() => cipher.open(flipped, secretAad('s1', 'x1', 'API_KEY')), /tampered|wrong/);
  assert.throws(() => createCipher(randomBytes(32)).open(sealed, secretAad('s1', 'x1', 'API_KEY')), /tampered|wrong/);
});

test('a master key of the wrong size is refused', () => {
  assert.throws(() => createCipher(randomBytes(16)), /32 bytes/);
});

test('a value sealed before names were bound (layout 1: store and secret ids only) still opens', () => {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const legacy = createCipheriv('aes-256-gcm', key, nonce);
  legacy.setAAD(Buffer.from('sstore/v1/s1/x1'));
  const body = Buffer.concat([legacy.update('old value'), legacy.final()]);
  const sealed = Buffer.concat([Buffer.of(1), nonce, legacy.getAuthTag(), body]);
  assert.equal(sealedVersion(sealed), 1);
  assert.equal(createCipher(key).open(sealed, secretAad('s1', 'x1', 'ANY', sealedVersion(sealed))).toString(), 'old value');
  assert.equal(sealedVersion(createCipher(key).seal(Buffer.from('new'), secretAad('s1', 'x1', 'ANY'))), 2);
});
