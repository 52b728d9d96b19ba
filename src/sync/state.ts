import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../config/paths.ts';
import { SstoreError } from '../errors.ts';
import { writePrivateFile } from '../formats/private-file.ts';
import type { Secret } from '../providers/provider.ts';

/**
 * What `sstore sync` remembers of each target, so that "unchanged" can be known where the target never returns values
 * (Cloudflare, SGP): for each secret it wrote, a keyed digest of the value (HMAC-SHA256 with a random key that never
 * leaves this machine) and the target's `modified` time as the write returned it. Never a value. Kept in
 * `<data dir>/sync/`: `key` (32 random bytes) and one `<target>.json` per target store, all mode 0600 in a 0700
 * folder. Deleting the folder (or one target's file) forgets: the next sync updates every existing secret once.
 */

/** Which store a state file is about: a different URL, account or store is a different target. */
export interface TargetIdentity {
  provider: string;
  /** The API root, or `embedded` for an in-process profile (its data dir then). */
  url: string;
  account: string;
  storeId: string;
}

interface Remembered {
  digest: string;
  /** The target's `modified` time after the write; absent where the target reports none. */
  modified?: string;
}

interface StateFile {
  version: 1;
  target: TargetIdentity & { store: string };
  secrets: Record<string, Remembered>;
}

export type Verdict = { unchanged: true; why: string } | { unchanged: false; why: string };

export function syncStateDir(env: NodeJS.ProcessEnv): string {
  return join(dataDir(env), 'sync');
}

function identityText(target: TargetIdentity): string {
  return [target.provider, target.url, target.account, target.storeId].join('\0');
}

function readKey(dir: string, create: boolean): Buffer | undefined {
  const path = join(dir, 'key');
  if (!existsSync(path)) {
    if (!create) return undefined;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    try {
      // O_EXCL: two syncs at once agree on one key (the loser reads the winner's).
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, randomBytes(32).toString('base64'));
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw stateError(path, error);
    }
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) {
    throw new SstoreError('usage', `${path} is not a sync state key (32 bytes, base64)`, {
      reason: 'sync_state_invalid',
      hint: `delete ${dir} to forget what sync wrote: the next sync then updates every existing secret once`,
    });
  }
  return key;
}

function stateError(path: string, error: unknown): SstoreError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new SstoreError('usage', `cannot write the sync state ${path} (${code})`, {
    reason: 'sync_state_unwritable',
    hint: 'check the data dir (SSTORE_DATA_DIR) is yours and writable',
    cause: error,
  });
}

/** The digests of one target store: read at plan time, recorded as the writes land, saved once at the end. */
export class SyncState {
  private readonly dir: string;
  private readonly file: string;
  private readonly target: TargetIdentity & { store: string };
  private readonly secrets: Record<string, Remembered>;
  private key: Buffer | undefined;

  private constructor(dir: string, file: string, target: TargetIdentity & { store: string }, secrets: Record<string, Remembered>, key: Buffer | undefined) {
    this.dir = dir;
    this.file = file;
    this.target = target;
    this.secrets = secrets;
    this.key = key;
  }

  /** Reads what is remembered of this target; creates nothing (a dry run leaves no trace). */
  static open(env: NodeJS.ProcessEnv, target: TargetIdentity & { store: string }): SyncState {
    const dir = syncStateDir(env);
    const file = join(dir, `${createHash('sha256').update(identityText(target)).digest('hex').slice(0, 32)}.json`);
    const key = readKey(dir, false);
    let secrets: Record<string, Remembered> = {};
    if (key && existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StateFile>;
        if (parsed.version === 1 && parsed.secrets && typeof parsed.secrets === 'object') secrets = parsed.secrets;
      } catch {
        // A damaged file is forgotten, not trusted: every existing secret is then an update, which is always safe.
      }
    }
    return new SyncState(dir, file, target, secrets, key);
  }

  get path(): string {
    return this.file;
  }

  private digest(key: Buffer, name: string, value: string): string {
    return createHmac('sha256', key).update(`${identityText(this.target)}\0${name}\0`).update(value, 'utf8').digest('base64url');
  }

  /** Whether a secret of the target still holds `value`, judged from the last sync's digest and its modified time. */
  verdict(secret: Secret, value: string): Verdict {
    const remembered = this.secrets[secret.name];
    if (!remembered || !this.key) return { unchanged: false, why: 'no record of its value: not written by sync from this machine yet' };
    if (remembered.digest !== this.digest(this.key, secret.name, value)) return { unchanged: false, why: 'the value changed since the last sync' };
    if (remembered.modified !== secret.modified) {
      return { unchanged: false, why: `changed on the target since the last sync (modified ${secret.modified ?? 'unknown'})` };
    }
    return { unchanged: true, why: 'same value as the last sync, not modified on the target since' };
  }

  /** After a write: the digest of the value written and the target's modified time from its answer. */
  record(secret: Secret, value: string): void {
    this.key ??= readKey(this.dir, true);
    this.secrets[secret.name] = { digest: this.digest(this.key!, secret.name, value), ...(secret.modified !== undefined && { modified: secret.modified }) };
  }

  forget(name: string): void {
    delete this.secrets[name];
  }

  /** Forgets the secrets the target no longer has (deleted there by someone else): their records can never match again. */
  keepOnly(names: ReadonlySet<string>): void {
    for (const name of Object.keys(this.secrets)) if (!names.has(name)) delete this.secrets[name];
  }

  save(): void {
    if (!this.key) return;
    const state: StateFile = { version: 1, target: this.target, secrets: this.secrets };
    try {
      writePrivateFile(this.file, `${JSON.stringify(state, null, 2)}\n`);
    } catch (error) {
      throw stateError(this.file, error);
    }
  }
}
