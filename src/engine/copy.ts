import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SstoreError } from '../errors.ts';
import { openKeychain, type Keychain } from '../keychain.ts';
import { createCipher } from './crypto.ts';
import { prepareDataDir } from './data-dir.ts';
import { KEY_CHECK, KEY_SOURCE, opensKeyCheck } from './key-check.ts';
import { findMasterKey, keepMasterKey, type MasterKey } from './master-key.ts';
import { databaseMasterKey } from './open-database.ts';
import { dataDirKey, describeSource } from './open.ts';
import type { Storage, StorageItem } from './storage/storage.ts';
import { DATABASE_FILE_NAME, describeTarget, openStorage, sqliteFile, type StorageTarget } from './storage/target.ts';

export interface CopyOptions {
  from: StorageTarget;
  to: StorageTarget;
  /** Replace what the target holds (its stores, secrets and tokens); without it a non-empty target is refused. */
  replace: boolean;
  env?: NodeJS.ProcessEnv;
  keychain?: Keychain;
  /** Told when the key was kept for a data directory target (in its keychain entry or key file). */
  onKeyKept?: (key: MasterKey) => void;
}

export interface CopyResult {
  stores: number;
  secrets: number;
  tokens: number;
}

const GIVEN = 'a PostgreSQL --from or --to';

/**
 * Copies a server's whole data (stores, secrets sealed as they are, tokens) from one target to another, through
 * exportAll/importAll: one transaction on the target, all or nothing. The source is only read (a data directory on a
 * read-only connection). Before anything is written the key is settled: the master key that opens the source must
 * open the target's key check too, if it has one; a target without one gets the source's. The `key_source` meta is
 * never copied (it would say where the source's key is kept): the target records where its own key is.
 */
export async function copyStorage(options: CopyOptions): Promise<CopyResult> {
  const { from, to } = options;
  const env = options.env ?? process.env;
  if (sameTarget(from, to)) throw new SstoreError('usage', `--from and --to are the same (${describeTarget(from)}): nothing to copy`);
  // Servers on a shared database take their key from SSTORE_MASTER_KEY only; a copy to or from one is held to that.
  if (from.kind === 'postgres' || to.kind === 'postgres') databaseMasterKey(env, GIVEN);
  const keychain = options.keychain ?? openKeychain(env);
  const source = await openSource(from);
  try {
    const key = await sourceKey(source, from, env, keychain);
    if (to.kind === 'sqlite') prepareDataDir(to.dataDir, DATABASE_FILE_NAME, { create: true });
    const target = await openStorage(to);
    try {
      const migrated = (await target.schemaVersion()) > 0;
      const keyItems = await targetKey(target, to, migrated, key, { keychain, ...(options.onKeyKept && { onKeyKept: options.onKeyKept }) });
      if (!options.replace && migrated && !(await target.isEmpty())) throw notEmpty(to);
      await target.migrate();
      const counts: CopyResult = { stores: 0, secrets: 0, tokens: 0 };
      await target.importAll(copied(source, counts, await keyItems.write()), { replace: options.replace });
      return counts;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

function sameTarget(a: StorageTarget, b: StorageTarget): boolean {
  if (a.kind === 'sqlite' && b.kind === 'sqlite') return resolve(a.dataDir) === resolve(b.dataDir);
  if (a.kind !== 'postgres' || b.kind !== 'postgres') return false;
  try {
    const [x, y] = [new URL(a.url), new URL(b.url)];
    return x.hostname === y.hostname && (x.port || '5432') === (y.port || '5432') && x.pathname === y.pathname;
  } catch {
    return a.url === b.url;
  }
}

async function openSource(from: StorageTarget): Promise<Storage> {
  if (from.kind === 'sqlite') {
    if (!existsSync(sqliteFile(from))) throw missing(from);
    prepareDataDir(from.dataDir, DATABASE_FILE_NAME, { create: false });
  }
  const source = await openStorage(from, { readOnly: true });
  try {
    if ((await source.schemaVersion()) === 0) throw missing(from);
    return source;
  } catch (error) {
    await source.close();
    throw error;
  }
}

interface SourceKey {
  master: MasterKey;
  /** The source's key check: a target without one gets it. */
  check: Uint8Array;
}

/** The key that opens the source, found as a server on it would find it; undefined when it has no key check. */
async function sourceKey(source: Storage, from: StorageTarget, env: NodeJS.ProcessEnv, keychain: Keychain): Promise<SourceKey | undefined> {
  if (from.kind === 'sqlite') {
    const master = await dataDirKey(source, from.dataDir, { env, keychain });
    const check = await source.getMeta(KEY_CHECK);
    return master && check ? { master, check } : undefined;
  }
  const check = await source.getMeta(KEY_CHECK);
  if (!check) {
    if (await source.hasSecrets()) throw damaged(from);
    return undefined;
  }
  const master = databaseMasterKey(env, GIVEN);
  if (!opensKeyCheck(createCipher(master.key), check)) {
    throw new SstoreError('auth', `the master key in ${master.where} does not open ${describeTarget(from)}; nothing was copied`, {
      reason: 'master_key_mismatch',
      hint: 'set SSTORE_MASTER_KEY to the key the source was created with',
    });
  }
  return { master, check };
}

/**
 * Settles the target's key before anything is written: its own check must open with the source's key; without one,
 * it will get the source's check and a `key_source` that says where the target's key is kept. `write` keeps the key
 * for a data directory (when the source's came from a keychain or key file) and gives the meta items to import.
 */
async function targetKey(
  target: Storage,
  to: StorageTarget,
  migrated: boolean,
  key: SourceKey | undefined,
  options: { keychain: Keychain; onKeyKept?: (key: MasterKey) => void },
): Promise<{ write: () => Promise<StorageItem[]> }> {
  const nothing = { write: async () => [] };
  if (!key) return nothing; // nothing sealed is copied: the target keeps whatever key it has, or gets one on first start
  const { master, check } = key;
  const own = migrated ? await target.getMeta(KEY_CHECK) : undefined;
  if (own) {
    if (!opensKeyCheck(createCipher(master.key), own)) {
      throw refused(to, `the master key from ${master.where}, which opens the source, does not open it`);
    }
    return nothing;
  }
  if (to.kind === 'postgres' || master.source === 'env') return { write: async () => keyMeta(check, describeSource('env')) };
  // The source's key came from its keychain entry or key file, which a server on the target would not look at.
  const where = { dataDir: to.dataDir, dbPath: sqliteFile(to), keychain: options.keychain };
  const kept = await findMasterKey({ ...where, env: {} });
  if (kept && !kept.key.equals(master.key)) throw refused(to, `it keeps another master key (in ${kept.where})`);
  return {
    write: async () => {
      const now = kept ?? (await keepMasterKey(where, master.key));
      if (!kept) options.onKeyKept?.(now);
      return keyMeta(check, describeSource(now.source));
    },
  };
}

function keyMeta(check: Uint8Array, keptIn: string): StorageItem[] {
  return [
    { kind: 'meta', key: KEY_CHECK, value: check },
    { kind: 'meta', key: KEY_SOURCE, value: Buffer.from(keptIn) },
  ];
}

/** The source's items as the target takes them: counted, without the key's meta (settled by targetKey), then that. */
async function* copied(source: Storage, counts: CopyResult, keyItems: StorageItem[]): AsyncIterable<StorageItem> {
  for await (const item of source.exportAll()) {
    if (item.kind === 'meta' && (item.key === KEY_CHECK || item.key === KEY_SOURCE)) continue;
    if (item.kind === 'store') counts.stores++;
    else if (item.kind === 'secret') counts.secrets++;
    else if (item.kind === 'token') counts.tokens++;
    yield item;
  }
  yield* keyItems;
}

function missing(from: StorageTarget): SstoreError {
  return new SstoreError('not_found', `no sstore data in ${describeTarget(from)}; nothing was copied`, {
    reason: 'store_missing',
    hint: 'check --from: a data directory holds sstore.db, a database the tables `sstore server start` made',
  });
}

function notEmpty(to: StorageTarget): SstoreError {
  return new SstoreError('conflict', `${describeTarget(to)} is not empty; nothing was copied`, {
    reason: 'target_not_empty',
    hint: 'pass --replace to replace its stores, secrets and tokens with the copy',
  });
}

function refused(to: StorageTarget, why: string): SstoreError {
  return new SstoreError('auth', `cannot copy into ${describeTarget(to)}: ${why}; nothing was copied`, {
    reason: 'master_key_mismatch',
    hint: 'a copy keeps its values sealed with the source key: copy into a new target, or one made with that key',
  });
}

function damaged(from: StorageTarget): SstoreError {
  return new SstoreError('internal', `${describeTarget(from)} holds encrypted values but no master-key check: it was damaged or tampered with`, {
    reason: 'key_check_missing',
  });
}
