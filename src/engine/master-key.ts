import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SstoreError } from '../errors.ts';
import { MASTER_KEY_BYTES } from './crypto.ts';
import type { Keychain } from '../keychain.ts';

export type KeySource = 'env' | 'keychain' | 'file';

export interface MasterKey {
  key: Buffer;
  source: KeySource;
  /** Where it lives, for messages: the variable, the keychain entry or the file path. */
  where: string;
}

export const MASTER_KEY_ENV = 'SSTORE_MASTER_KEY';
export const KEY_FILE_NAME = 'master.key';

/** A master key from its base64 text; `where` names its source in the error. */
export function decodeMasterKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== MASTER_KEY_BYTES) {
    // A key problem, like a wrong key: exit 4 wherever it is noticed.
    throw new SstoreError('auth', `${where} must be ${MASTER_KEY_BYTES} bytes of base64 (got ${key.length} bytes)`, {
      reason: 'master_key_invalid',
      hint: 'generate one with: openssl rand -base64 32',
    });
  }
  return key;
}

export function keychainAccount(dbPath: string): string {
  return `master-key:${dbPath}`;
}

/**
 * Finds the master key of an existing database: SSTORE_MASTER_KEY, else the OS keychain, else the key file.
 * Never creates one: a database whose key is gone must fail loudly, not be re-keyed over its data.
 * `createdIn: 'file'` (a database whose key was made in the file) looks at the file before the keychain: that key is
 * the one that opens it, and asking the keychain first costs every command the keychain library's load and a D-Bus
 * round trip for an entry that is not there.
 */
export async function findMasterKey(opts: {
  dataDir: string;
  dbPath: string;
  env: NodeJS.ProcessEnv;
  keychain: Keychain;
  createdIn?: KeySource;
}): Promise<MasterKey | undefined> {
  const fromEnv = opts.env[MASTER_KEY_ENV];
  if (fromEnv) return { key: decodeMasterKey(fromEnv, MASTER_KEY_ENV), source: 'env', where: MASTER_KEY_ENV };
  const file = join(opts.dataDir, KEY_FILE_NAME);
  const fromFile = (): MasterKey | undefined =>
    existsSync(file) ? { key: decodeMasterKey(readFileSync(file, 'utf8'), file), source: 'file', where: file } : undefined;
  if (opts.createdIn === 'file') {
    const key = fromFile();
    if (key) return key;
  }
  const account = keychainAccount(opts.dbPath);
  const fromKeychain = await opts.keychain.get(account);
  if (fromKeychain) return { key: decodeMasterKey(fromKeychain, 'the keychain entry'), source: 'keychain', where: `OS keychain (sstore/${account})` };
  return fromFile();
}

/** Creates the master key of a new database: in the keychain when one works, else in a 0600 file beside it. */
export async function createMasterKey(opts: {
  dataDir: string;
  dbPath: string;
  env: NodeJS.ProcessEnv;
  keychain: Keychain;
}): Promise<MasterKey> {
  const fromEnv = opts.env[MASTER_KEY_ENV];
  if (fromEnv) return { key: decodeMasterKey(fromEnv, MASTER_KEY_ENV), source: 'env', where: MASTER_KEY_ENV };
  return keepMasterKey(opts, randomBytes(MASTER_KEY_BYTES));
}

/**
 * Keeps a key for a data directory's database where `findMasterKey` looks for it: in the keychain when one works,
 * else in a 0600 file beside the database. Used for a new key, and by `sstore server copy` for the key a copy shares
 * with its source.
 */
export async function keepMasterKey(opts: { dataDir: string; dbPath: string; keychain: Keychain }, key: Buffer): Promise<MasterKey> {
  const account = keychainAccount(opts.dbPath);
  if (await opts.keychain.set(account, key.toString('base64'))) {
    return { key, source: 'keychain', where: `OS keychain (sstore/${account})` };
  }
  const file = join(opts.dataDir, KEY_FILE_NAME);
  // 'wx': never overwrite a key file that appeared meanwhile (another process creating the same database).
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'file', where: file };
}

/** The one line that says, when a new store gets its key, which source it is and where to find it. */
export function keyNotice(key: MasterKey): string {
  switch (key.source) {
    case 'env':
      return `sstore: the new store is encrypted with the master key in ${MASTER_KEY_ENV}; keep it, the data cannot be read without it`;
    case 'keychain':
      return `sstore: created a master key in the ${key.where}`;
    case 'file':
      return `sstore: no OS keychain available; created a master key in ${key.where} (mode 0600)`;
  }
}
