import { auditTrail } from './contract/audit.ts';
import { coherence } from './contract/coherence.ts';
import { history } from './contract/history.ts';
import type { ContractBackend } from './contract/kit.ts';
import { mutations } from './contract/mutations.ts';
import { paging } from './contract/paging.ts';
import { races } from './contract/races.ts';
import { tokens } from './contract/tokens.ts';
import { transfer } from './contract/transfer.ts';

export type { ContractBackend, ContractDatabase } from './contract/kit.ts';

/**
 * The storage contract (src/engine/storage/storage.ts) as tests, after Vault's `physical.ExerciseBackend`: call it
 * from a backend's test file with a way to make fresh databases, and it registers node:test tests that every backend
 * passes unchanged. Each test gets its own database and closes every connection it opened.
 *
 * - mutations: each one all or nothing; unique names; the limits; every error's kind and reason
 * - races: the quota, the stores limit, one name and claimMeta with several connections writing at once
 * - paging: offset and cursor windows, every order and direction, filters, against a reference (reference.ts)
 * - tokens: by hash, list order, delete by id or name, a taken name (fail, replace, keep)
 * - coherence: what one connection wrote, the other reads on its next request, whatever it had cached
 * - transfer: exportAll → importAll copies exactly; a failed import changes nothing
 * - auditTrail: one entry per mutation and reveal with exactly its fields, none for a refusal; verify finds tampering;
 *   prune; filters; concurrent writers make one chain
 * - history: versions numbered, kept, trimmed, rolled back, deleted with their secret, copied
 */
export function exerciseStorage(backend: ContractBackend): void {
  mutations(backend);
  races(backend);
  paging(backend);
  tokens(backend);
  coherence(backend);
  transfer(backend);
  auditTrail(backend);
  history(backend);
}
