import { type AuditEntry, auditHash, GENESIS_HASH } from './entry.ts';

/** Why an entry breaks the chain. */
export type ChainFault =
  | 'hash_mismatch' // its fields or hash were altered
  | 'prev_hash_mismatch' // its prev_hash is not the previous entry's hash: an entry before it was altered or replaced
  | 'id_gap' // entries before it were removed
  | 'head_unanchored'; // the first entry is not entry 1 and no audit.prune entry accounts for the ones before it

export interface ChainProblem {
  /** The first bad entry's id. */
  id: number;
  fault: ChainFault;
  message: string;
}

export interface ChainReport {
  /** How many entries were checked. */
  entries: number;
  /** The newest entry's id and hash (undefined: no entries), to note elsewhere: verify cannot see a cut-off tail. */
  head: { id: number; hash: string } | undefined;
  /** The first bad entry, or undefined when the chain is intact. */
  problem: ChainProblem | undefined;
}

/**
 * Checks a chain, fed entry by entry in id order (so that a large trail is verified page by page): every hash is
 * recomputed, each prev_hash must be the previous entry's hash and ids must follow without gaps. When entries were
 * pruned, the first kept entry cannot link to its removed predecessor; an audit.prune entry later in the chain
 * vouches for it (its `lastId` and `lastHash`), and without one the first entry is the bad one.
 */
export class ChainVerifier {
  private count = 0;
  private first: AuditEntry | undefined;
  private previous: AuditEntry | undefined;
  private anchored = false;
  private problem: ChainProblem | undefined;

  /** Feeds the next entry; returns false once a problem is found (later entries need not be fed). */
  add(entry: AuditEntry): boolean {
    if (this.problem) return false;
    this.count++;
    const { hash, ...unhashed } = entry;
    if (auditHash(unhashed) !== hash) {
      return this.fail(entry.id, 'hash_mismatch', `entry ${entry.id}: its hash does not match its fields (altered)`);
    }
    if (this.previous === undefined) {
      this.first = entry;
      this.anchored = entry.id === 1 && entry.prevHash === GENESIS_HASH;
      if (entry.id === 1 && !this.anchored) {
        return this.fail(entry.id, 'prev_hash_mismatch', `entry 1: its prev_hash is not the chain's start (altered)`);
      }
    } else {
      if (entry.id !== this.previous.id + 1) {
        return this.fail(entry.id, 'id_gap', `entry ${entry.id}: entries ${this.previous.id + 1}..${entry.id - 1} are missing (removed)`);
      }
      if (entry.prevHash !== this.previous.hash) {
        return this.fail(entry.id, 'prev_hash_mismatch', `entry ${entry.id}: its prev_hash is not entry ${this.previous.id}'s hash (altered)`);
      }
    }
    if (!this.anchored && entry.action === 'audit.prune' && this.first) {
      const { lastId, lastHash } = entry.detail ?? {};
      this.anchored = lastId === this.first.id - 1 && lastHash === this.first.prevHash;
    }
    this.previous = entry;
    return true;
  }

  report(): ChainReport {
    const head = this.previous && { id: this.previous.id, hash: this.previous.hash };
    if (!this.problem && this.first && !this.anchored) {
      this.problem = {
        id: this.first.id,
        fault: 'head_unanchored',
        message: `entry ${this.first.id}: the entries before it were removed without an audit.prune entry recording it`,
      };
    }
    return { entries: this.count, head, problem: this.problem };
  }

  private fail(id: number, fault: ChainFault, message: string): false {
    this.problem = { id, fault, message };
    return false;
  }
}

/** Verifies entries given in id order: the pure form of ChainVerifier. */
export function verifyChain(entries: Iterable<AuditEntry>): ChainReport {
  const verifier = new ChainVerifier();
  for (const entry of entries) if (!verifier.add(entry)) break;
  return verifier.report();
}
