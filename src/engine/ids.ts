import { randomBytes } from 'node:crypto';

/** Store and secret ids: 32 lowercase hex characters, as Cloudflare's. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}
