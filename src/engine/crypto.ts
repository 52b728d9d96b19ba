import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SstoreError } from '../errors.ts';

/**
 * Values at rest: AES-256-GCM, a random 96-bit nonce per encryption, and additional authenticated data that binds the
 * ciphertext to its store and secret ids, so a ciphertext copied onto another row fails to decrypt instead of leaking.
 * Layout of a sealed value: version (1 byte) | nonce (12) | tag (16) | ciphertext.
 */
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const MASTER_KEY_BYTES = 32;

export interface Cipher {
  seal(plaintext: Uint8Array, aad: string): Uint8Array;
  open(sealed: Uint8Array, aad: string): Buffer;
}

export function secretAad(storeId: string, secretId: string): string {
  return `sstore/v1/${storeId}/${secretId}`;
}

export function createCipher(masterKey: Uint8Array): Cipher {
  if (masterKey.length !== MASTER_KEY_BYTES) {
    throw new SstoreError('validation', `master key must be ${MASTER_KEY_BYTES} bytes, got ${masterKey.length}`);
  }
  const key = Buffer.from(masterKey);
  return {
    seal(plaintext, aad) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), nonce, cipher.getAuthTag(), body]);
    },
    open(sealed, aad) {
      const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      if (data.length < 1 + NONCE_BYTES + TAG_BYTES || data[0] !== VERSION) {
        throw new SstoreError('internal', 'stored value is corrupt (unknown format)', { reason: 'decrypt_failed' });
      }
      const nonce = data.subarray(1, 1 + NONCE_BYTES);
      const tag = data.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
      const body = data.subarray(1 + NONCE_BYTES + TAG_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce);
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        throw new SstoreError('internal', 'stored value failed authentication: it was tampered with or the master key is wrong', {
          reason: 'decrypt_failed',
        });
      }
    },
  };
}
