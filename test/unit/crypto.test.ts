import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createCipher, secretAad } from '../../src/engine/crypto.ts';

test('sealed values open with the same key and AAD', () => {
  const cipher = createCipher(randomBytes(32));
  const sealed = cipher.seal(Buffer.from('hunter2'), secretAad('s1', 'x1'));
  assert.equal(cipher.open(sealed, secretAad('s1', 'x1')).toString(), 'hunter2');
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
  const sealed = Buffer.from(cipher.seal(Buffer.from('value'), secretAad('s1', 'x1')));
  assert.throws(() => cipher.open(sealed, secretAad('s1', 'x2')), /tampered|wrong/);
  const flipped = Buffer.from(sealed);
  flipped[flipped.length - 1]! ^= 1;
  assert.throws(() => cipher.open(flipped, secretAad('s1', 'x1')), /tampered|wrong/);
  assert.throws(() => createCipher(randomBytes(32)).open(sealed, secretAad('s1', 'x1')), /tampered|wrong/);
});

test('a master key of the wrong size is refused', () => {
  assert.throws(() => createCipher(randomBytes(16)), /32 bytes/);
});
