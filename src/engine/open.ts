import { openSync, closeSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SstoreError } from '../errors.ts';
import { createCipher, type Cipher } from './crypto.ts';
import { prepareDataDir } from './data-dir.ts';
import { Engine } from './engine.ts';
import { openKeychain, type Keychain } from '../keychain.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { createMasterKey, findMasterKey, type KeySource, type MasterKey } from './master-key.ts';
import { openSqliteStorage } from './storage/sqlite.ts';
import type { Storage } from './storage/storage.ts';
import type { Limits } from './types.ts';

export const DATABASE_FILE_NAME = 'sstore.db';

const KEY_CHECK = 'key_check';
const KEY_SOURCE = 'key_source';
const KEY_CHECK_AAD = 'sstore/key-check';
const KEY_CHECK_TEXT = Buffer.from('sstore master key check v1');
const INIT_LOCK = 'init.lock';
const STALE_LOCK_MS = 30_000;

export interface OpenEngineOptions {
  dataDir: string;
  limits?: Limits;
  env?: NodeJS.ProcessEnv;
  keychain?: Keychain;
  /** Told once, when a new database gets its master key, where that key is kept (see `keyNotice`). */
  onKeyCreated?: (key: MasterKey) => void;
  /** false: open an existing store only, never create one (read-only commands). Default true. */
  create?: boolean;
}

/** Opens (or creates) the embedded store in a data directory and checks its master key before anything else. */
export async function openEngine(options: OpenEngineOptions): Promise<Engine> {
  const env = options.env ?? process.env;
  const keychain = options.keychain ?? openKeychain(env);
  prepareDataDir(options.dataDir, DATABASE_FILE_NAME, { create: options.create !== false });
  const dbPath = join(options.dataDir, DATABASE_FILE_NAME);
  const storage = await openSqliteStorage(dbPath);
  try {
    const where = { dataDir: options.dataDir, dbPath, env, keychain };
    // An existing database proves its key before anything (a migration included) may write to it.
    if ((await storage.schemaVersion()) === 0) await storage.migrate();
    const cipher = await unlock(storage, where, options.onKeyCreated);
    await storage.migrate();
    return new Engine(storage, cipher, options.limits ?? DEFAULT_LIMITS);
  } catch (error) {
    await storage.close();
    throw error;
  }
}

type KeyLocation = { dataDir: string; dbPath: string; env: NodeJS.ProcessEnv; keychain: Keychain };

async function unlock(storage: Storage, where: KeyLocation, onKeyCreated?: (key: MasterKey) => void): Promise<Cipher> {
  let check = await storage.getMeta(KEY_CHECK);
  if (!check) check = await initialiseKey(storage, where, onKeyCreated);
  const recorded = await storage.getMeta(KEY_SOURCE);
  const keptIn = recorded ? Buffer.from(recorded).toString() : 'unknown';
  const master = await findMasterKey({ ...where, ...(keptIn === describeSource('file') && { createdIn: 'file' as const }) });
  if (!master) {
    throw new SstoreError('auth', `no master key found for ${where.dbPath} (it was kept in: ${keptIn})`, {
      reason: 'master_key_missing',
      hint: 'set SSTORE_MASTER_KEY to the key this store was created with; nothing was changed',
    });
  }
  const cipher = createCipher(master.key);
  try {
    cipher.open(check, KEY_CHECK_AAD);
  } catch {
    throw new SstoreError('auth', `the master key from ${master.where} does not open ${where.dbPath}`, {
      reason: 'master_key_mismatch',
      hint: 'use the key this store was created with; nothing was changed',
    });
  }
  return cipher;
}

/**
 * Gives a new database its master key. A lock file makes concurrent first starts agree on one key: the loser waits
 * for the winner's key check instead of generating a second key.
 */
async function initialiseKey(storage: Storage, where: KeyLocation, onKeyCreated?: (key: MasterKey) => void): Promise<Uint8Array> {
  const lock = join(where.dataDir, INIT_LOCK);
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    const existing = await storage.getMeta(KEY_CHECK);
    if (existing) return existing;
    if (tryLock(lock)) {
      try {
        const again = await storage.getMeta(KEY_CHECK);
        if (again) return again;
        const master = (await findMasterKey(where)) ?? (await createMasterKey(where));
        const check = createCipher(master.key).seal(KEY_CHECK_TEXT, KEY_CHECK_AAD);
        await storage.setMeta(KEY_SOURCE, Buffer.from(describeSource(master.source)));
        await storage.setMeta(KEY_CHECK, check);
        onKeyCreated?.(master);
        return check;
      } finally {
        rmSync(lock, { force: true });
      }
    }
    if (Date.now() > deadline || isStale(lock)) rmSync(lock, { force: true });
    await sleep(50);
  }
}

function describeSource(source: KeySource): string {
  return { env: 'SSTORE_MASTER_KEY', keychain: 'the OS keychain', file: 'the master.key file beside the database' }[source];
}

function tryLock(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return true;
  } catch {
    return false;
  }
}

function isStale(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false;
  }
}
