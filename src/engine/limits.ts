import { SstoreError } from '../errors.ts';
import type { Limits } from './types.ts';

/** Generous defaults for local work. */
export const DEFAULT_LIMITS: Limits = {
  maxValueBytes: 65_536,
  maxStoresPerAccount: 100,
  maxSecretsPerAccount: 10_000,
  maxBodyBytes: 32 * 1024 * 1024,
  keepVersions: 10,
};

/** The live service during its open beta: one store and 100 secrets per account. */
export const CLOUDFLARE_LIMITS: Limits = {
  ...DEFAULT_LIMITS,
  maxStoresPerAccount: 1,
  maxSecretsPerAccount: 100,
};

export const LIMIT_PRESETS = { default: DEFAULT_LIMITS, cloudflare: CLOUDFLARE_LIMITS } as const;
export type LimitPreset = keyof typeof LIMIT_PRESETS;

export function limitsFor(preset: string, overrides: Partial<Limits> = {}): Limits {
  if (!(preset in LIMIT_PRESETS)) {
    throw new SstoreError('validation', `unknown limits preset "${preset}" (expected ${Object.keys(LIMIT_PRESETS).join(' or ')})`);
  }
  return { ...LIMIT_PRESETS[preset as LimitPreset], ...overrides };
}
