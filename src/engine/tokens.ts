import { hash } from 'node:crypto';
import type { Permission } from './types.ts';

/** What `Engine.createToken` makes. */
export interface TokenSpec {
  name: string;
  permissions: Permission[];
  account?: string | null;
  service?: string | null;
  /** A chosen token (`--root-token`); otherwise a random `sst_` one. */
  token?: string;
  ifNameTaken?: 'fail' | 'replace' | 'keep';
}

/** Tokens are random, prefixed so secret scanners can find leaked ones, and stored only as SHA-256. */
export const TOKEN_PREFIX = 'sst_';

/** A token's SHA-256 in hex: what is stored, and the key of lookups (a string key needs no conversion per request). */
export function hashToken(token: string): string {
  return hash('sha256', token); // one-shot: no Hash object per request
}
