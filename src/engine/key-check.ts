import type { Cipher } from './crypto.ts';

/**
 * The master-key check every database holds in its meta: a known text sealed with the key, so a wrong key is refused
 * before it reads or writes anything. Shared by the data-directory and the database openers (and `server copy`).
 */
export const KEY_CHECK = 'key_check';
/** Where the key was kept when the database got it, for the message when it cannot be found. */
export const KEY_SOURCE = 'key_source';
const KEY_CHECK_AAD = 'sstore/key-check';
const KEY_CHECK_TEXT = Buffer.from('sstore master key check v1');

export function sealKeyCheck(cipher: Cipher): Uint8Array {
  return cipher.seal(KEY_CHECK_TEXT, KEY_CHECK_AAD);
}

/** Whether this cipher's key is the one the check was sealed with. */
export function opensKeyCheck(cipher: Cipher, check: Uint8Array): boolean {
  try {
    cipher.open(check, KEY_CHECK_AAD);
    return true;
  } catch {
    return false;
  }
}
