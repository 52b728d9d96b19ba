import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SstoreError } from '../errors.ts';

/**
 * Values at rest: AES-256-GCM, a random 96-bit nonce per encryption, and additional authenticated data that binds the
 * ciphertext to its store id, secret id and name, so a ciphertext copied onto another row, or two rows whose names
 * were swapped, fail to decrypt instead of handing out the wrong value.
 * Layout of a sealed value: version (1 byte) | nonce (12) | tag (16) | ciphertext. The version says which AAD the
 * value was sealed with: 1, store and secret ids (before 0.2); 2, the name too. Version 1 values still open, and
 * become version 2 when their value is next written.
 */
const VERSION = 2;
const READABLE_VERSIONS = new Set([1, 2]);
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const MASTER_KEY_BYTES = 32;

export interface Cipher {
  seal(plaintext: Uint8Array, aad: string): Uint8Array;
  open(sealed: Uint8Array, aad: string): Buffer;
}

/**
 * What a secret's value is bound to. The name belongs in it: clients find values by name (Neostore reads by key,
 * `sstore run` injects by name), no API renames a secret, and without it swapping two rows' names would swap their
 * values unnoticed. Ids are fixed-length hex, so the name, last, cannot blur the boundaries.
 */
export function secretAad(storeId: string, secretId: string, name: string, version = VERSION): string {
  return version === 1 ? `sstore/v1/${storeId}/${secretId}` : `sstore/v2/${storeId}/${secretId}/${name}`;
}

/** The layout version a sealed value was written with (0 when it has none). */
export function sealedVersion(sealed: Uint8Array): number {
  return sealed[0] ?? 0;
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
      if (data.length < 1 + NONCE_BYTES + TAG_BYTES || !READABLE_VERSIONS.has(data[0]!)) {
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
