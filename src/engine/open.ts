import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SstoreError } from '../errors.ts';
import { createCipher, type Cipher } from './crypto.ts';
import { prepareDataDir } from './data-dir.ts';
import { Engine } from './engine.ts';
import { openKeychain, type Keychain } from '../keychain.ts';
import { KEY_CHECK, KEY_SOURCE, opensKeyCheck, sealKeyCheck } from './key-check.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { createMasterKey, findMasterKey, type KeySource, type MasterKey } from './master-key.ts';
import type { Storage } from './storage/storage.ts';
import { DATABASE_FILE_NAME, openStorage, type StorageTarget } from './storage/target.ts';
import type { Limits } from './types.ts';

const INIT_LOCK = 'init.lock';
const STALE_LOCK_MS = 30_000;

export interface OpenEngineOptions {
  /** A data directory (SQLite) or a PostgreSQL database; see storage/target.ts. */
  target: StorageTarget;
  limits?: Limits;
  env?: NodeJS.ProcessEnv;
  keychain?: Keychain;
  /** Told once, when a new database gets its master key, where that key is kept (see `keyNotice`). */
  onKeyCreated?: (key: MasterKey) => void;
  /** false: open an existing store only, never create one (read-only commands). Default true. */
  create?: boolean;
  /** A line for the user while opening waits on another process (default: stderr). */
  onWait?: (line: string) => void;
}

/** Opens (or creates) a store, in a data directory or a database, and checks its master key before anything else. */
export async function openEngine(options: OpenEngineOptions): Promise<Engine> {
  const { target } = options;
  if (target.kind === 'postgres') {
    const { openDatabaseEngine } = await import('./open-database.ts');
    return openDatabaseEngine(target, options);
  }
  return openDataDirEngine(target.dataDir, options);
}

/** The embedded store: the key is proven on a read-only connection, a lock file makes first starts agree on one key. */
async function openDataDirEngine(dataDir: string, options: OpenEngineOptions): Promise<Engine> {
  const env = options.env ?? process.env;
  const keychain = options.keychain ?? openKeychain(env);
  prepareDataDir(dataDir, DATABASE_FILE_NAME, { create: options.create !== false });
  const dbPath = join(dataDir, DATABASE_FILE_NAME);
  const where: KeyLocation = { dataDir, dbPath, env, keychain };
  // An existing database proves its key on a read-only connection, before anything (a migration, or the WAL
  // checkpoint a read-write connection makes when it closes) may write to it.
  let cipher = existsSync(dbPath) ? await proveKey(where) : undefined;
  const storage = await openStorage({ kind: 'sqlite', dataDir });
  try {
    if (!cipher) {
      if ((await storage.schemaVersion()) === 0) await storage.migrate();
      const onWait = options.onWait ?? ((line: string) => process.stderr.write(`${line}\n`));
      cipher = await unlock(storage, where, { onWait, ...(options.onKeyCreated && { onKeyCreated: options.onKeyCreated }) });
    }
    await storage.migrate();
    return new Engine(storage, cipher, options.limits ?? DEFAULT_LIMITS);
  } catch (error) {
    await storage.close();
    throw error;
  }
}

type KeyLocation = { dataDir: string; dbPath: string; env: NodeJS.ProcessEnv; keychain: Keychain };

/** The cipher of a database that has its key check; undefined for one still being created (no check, no value). */
async function proveKey(where: KeyLocation): Promise<Cipher | undefined> {
  let probe: Storage;
  try {
    probe = await openStorage({ kind: 'sqlite', dataDir: where.dataDir }, { readOnly: true });
  } catch {
    return undefined; // not openable read-only (e.g. being created): the read-write path says why if it matters
  }
  try {
    if ((await probe.schemaVersion()) === 0) return undefined;
    const check = await probe.getMeta(KEY_CHECK);
    if (!check) {
      await refuseWithoutCheck(probe, where);
      return undefined;
    }
    return await cipherFor(probe, check, where);
  } catch (error) {
    if (error instanceof SstoreError) throw error;
    throw new SstoreError('internal', `cannot use database ${where.dbPath}: ${(error as Error).message}`, { cause: error });
  } finally {
    await probe.close();
  }
}

/**
 * A database without its key check but with sealed values was tampered with or damaged: giving it a new key would
 * let a wrong key in and lock the right one out for good.
 */
async function refuseWithoutCheck(storage: Storage, where: KeyLocation): Promise<void> {
  if (!(await storage.hasSecrets())) return;
  throw new SstoreError('internal', `${where.dbPath} holds encrypted values but no master-key check: it was damaged or tampered with`, {
    reason: 'key_check_missing',
    hint: 'restore sstore.db from a backup; it was not changed, and no new key was made',
  });
}

async function unlock(
  storage: Storage,
  where: KeyLocation,
  hooks: { onWait: (line: string) => void; onKeyCreated?: (key: MasterKey) => void },
): Promise<Cipher> {
  let check = await storage.getMeta(KEY_CHECK);
  if (!check) {
    await refuseWithoutCheck(storage, where);
    check = await initialiseKey(storage, where, hooks);
  }
  return cipherFor(storage, check, where);
}

async function cipherFor(storage: Storage, check: Uint8Array, where: KeyLocation): Promise<Cipher> {
  return (await provenKey(storage, check, where)).cipher;
}

/** The key found as every command finds it (SSTORE_MASTER_KEY, the keychain, the key file), proven against `check`. */
async function provenKey(storage: Storage, check: Uint8Array, where: KeyLocation): Promise<{ master: MasterKey; cipher: Cipher }> {
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
  if (!opensKeyCheck(cipher, check)) {
    throw new SstoreError('auth', `the master key from ${master.where} does not open ${where.dbPath}`, {
      reason: 'master_key_mismatch',
      hint: 'use the key this store was created with; nothing was changed',
    });
  }
  return { master, cipher };
}

/**
 * The master key of an existing store in a data directory, found and proven as openEngine does it, on a connection
 * the caller opened (read-only, for `sstore server copy`'s source): nothing is written. undefined when the store has no
 * key check (and so no sealed value); a store with sealed values but no check is refused.
 */
export async function dataDirKey(
  storage: Storage,
  dataDir: string,
  options: { env?: NodeJS.ProcessEnv; keychain?: Keychain } = {},
): Promise<MasterKey | undefined> {
  const env = options.env ?? process.env;
  const where: KeyLocation = { dataDir, dbPath: join(dataDir, DATABASE_FILE_NAME), env, keychain: options.keychain ?? openKeychain(env) };
  const check = await storage.getMeta(KEY_CHECK);
  if (!check) {
    await refuseWithoutCheck(storage, where);
    return undefined;
  }
  return (await provenKey(storage, check, where)).master;
}

/**
 * Gives a new database its master key. A lock file makes concurrent first starts agree on one key: the loser waits
 * for the winner's key check instead of generating a second key.
 */
async function initialiseKey(
  storage: Storage,
  where: KeyLocation,
  hooks: { onWait: (line: string) => void; onKeyCreated?: (key: MasterKey) => void },
): Promise<Uint8Array> {
  const lock = join(where.dataDir, INIT_LOCK);
  const deadline = Date.now() + STALE_LOCK_MS;
  let told = false;
  for (;;) {
    const existing = await storage.getMeta(KEY_CHECK);
    if (existing) return existing;
    if (tryLock(lock)) {
      try {
        const again = await storage.getMeta(KEY_CHECK);
        if (again) return again;
        const master = (await findMasterKey(where)) ?? (await createMasterKey(where));
        const check = sealKeyCheck(createCipher(master.key));
        await storage.setMeta(KEY_SOURCE, Buffer.from(describeSource(master.source)));
        await storage.setMeta(KEY_CHECK, check);
        hooks.onKeyCreated?.(master);
        return check;
      } finally {
        rmSync(lock, { force: true });
      }
    }
    const holder = lockHolder(lock);
    if (holder.stale || Date.now() > deadline) {
      hooks.onWait(`sstore: removed a stale ${lock} (${holder.what}); creating the master key here`);
      rmSync(lock, { force: true });
      continue;
    }
    if (!told) {
      told = true;
      hooks.onWait(`sstore: waiting for ${holder.what} to finish creating the master key (${lock}; removed after ${STALE_LOCK_MS / 1000}s)`);
    }
    await sleep(50);
  }
}

/** Where a key is kept, in the words the `key_source` meta records (and messages repeat). */
export function describeSource(source: KeySource): string {
  return { env: 'SSTORE_MASTER_KEY', keychain: 'the OS keychain', file: 'the master.key file beside the database' }[source];
}

/** Takes the lock, leaving in it who holds it: `pid@host`. */
function tryLock(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch {
    return false;
  }
  try {
    writeSync(fd, `${process.pid}@${hostname()}`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Who holds the lock, and whether it is stale: its process is gone (same host), or it is older than STALE_LOCK_MS
 * (another host, or a holder that never wrote its name). A process killed while creating a key leaves the lock behind.
 */
function lockHolder(path: string): { stale: boolean; what: string } {
  let text: string;
  let age: number;
  try {
    text = readFileSync(path, 'utf8');
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return { stale: false, what: 'another sstore process' }; // gone meanwhile: the next attempt takes it
  }
  const match = /^(\d+)@(.+)$/.exec(text.trim());
  if (match && match[2] === hostname()) {
    const pid = Number(match[1]);
    const what = `sstore process ${pid}`;
    return { stale: !isAlive(pid), what: isAlive(pid) ? what : `${what}, which is gone` };
  }
  return { stale: age > STALE_LOCK_MS, what: match ? `sstore process ${match[1]} on ${match[2]}` : 'another sstore process' };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
