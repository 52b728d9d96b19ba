import { SstoreError } from '../errors.ts';
import { createCipher, type Cipher } from './crypto.ts';
import { Engine } from './engine.ts';
import { KEY_CHECK, KEY_SOURCE, opensKeyCheck, sealKeyCheck } from './key-check.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { decodeMasterKey, MASTER_KEY_ENV, type MasterKey } from './master-key.ts';
import type { Storage } from './storage/storage.ts';
import { openStorage, redactUrl } from './storage/target.ts';
import type { OpenEngineOptions } from './open.ts';

/**
 * Opens a store in a database that several server instances share. Every instance must hold the same key, so it comes
 * from SSTORE_MASTER_KEY only (a keychain or a key file is one machine's). The key is proven against the database's
 * check before anything is written; a new database gets its check through `claimMeta`, so instances starting
 * together agree on one key and the ones holding another refuse to start.
 */
export async function openDatabaseEngine(target: { kind: 'postgres'; url: string }, options: OpenEngineOptions): Promise<Engine> {
  const location = redactUrl(target.url);
  const master = databaseMasterKey(options.env ?? process.env);
  const cipher = createCipher(master.key);
  const storage = await openStorage(target);
  try {
    if ((await storage.schemaVersion()) > 0) {
      const check = await storage.getMeta(KEY_CHECK);
      if (check) proveKey(cipher, check, location);
      else await refuseWithoutCheck(storage, location);
    } else if (options.create === false) {
      throw new SstoreError('not_found', `no sstore data in ${location}; nothing was created`, {
        reason: 'store_missing',
        hint: 'check --database (or SSTORE_DATABASE_URL); `sstore server start` creates the schema',
      });
    }
    await storage.migrate();
    const mine = sealKeyCheck(cipher);
    const check = await storage.claimMeta(KEY_CHECK, mine);
    proveKey(cipher, check, location);
    await storage.claimMeta(KEY_SOURCE, Buffer.from(MASTER_KEY_ENV));
    if (Buffer.compare(Buffer.from(check), Buffer.from(mine)) === 0) options.onKeyCreated?.(master);
    return new Engine(storage, cipher, options.limits ?? DEFAULT_LIMITS);
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/**
 * The key of a shared database: from SSTORE_MASTER_KEY only (a keychain or a key file is one machine's). `given`
 * names how the database was given, for the message when the variable is missing.
 */
export function databaseMasterKey(env: NodeJS.ProcessEnv, given = '--database'): MasterKey {
  const text = env[MASTER_KEY_ENV];
  if (!text) {
    throw new SstoreError('auth', `${MASTER_KEY_ENV} is required with ${given}: every instance must use the same key (openssl rand -base64 32 makes one)`, {
      reason: 'master_key_required',
    });
  }
  return { key: decodeMasterKey(text, MASTER_KEY_ENV), source: 'env', where: MASTER_KEY_ENV };
}

function proveKey(cipher: Cipher, check: Uint8Array, location: string): void {
  if (opensKeyCheck(cipher, check)) return;
  throw new SstoreError('auth', `the master key in ${MASTER_KEY_ENV} does not open ${location}: this instance will not start`, {
    reason: 'master_key_mismatch',
    hint: 'give every instance the key the database was created with; nothing was changed',
  });
}

/** As for a data directory: sealed values without a check mean damage, and a new key would lock the right one out. */
async function refuseWithoutCheck(storage: Storage, location: string): Promise<void> {
  if (!(await storage.hasSecrets())) return;
  throw new SstoreError('internal', `${location} holds encrypted values but no master-key check: it was damaged or tampered with`, {
    reason: 'key_check_missing',
    hint: 'restore the database from a backup; it was not changed, and no new key was made',
  });
}
