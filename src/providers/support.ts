import { SstoreError } from '../errors.ts';
import type { Capabilities, Provider, SecretOrder } from './provider.ts';

type ExtensionMethods = Pick<Provider, 'listAudit' | 'listVersions' | 'revealVersion' | 'rollbackSecret'>;

/** What a command (or a provider, on what it is given) asks beyond the basics; each item must be in the capabilities. */
export interface Wanted {
  comment?: boolean;
  scopes?: boolean;
  window?: boolean;
  duplicate?: boolean;
  /** `secrets dup --force` over an existing destination. */
  overwrite?: boolean;
  order?: SecretOrder;
  stores?: 'stores create' | 'stores delete';
  /** What needs values read back, e.g. `sstore run`, `secrets get --reveal`. */
  reveal?: string;
  /** What needs the audit trail or a secret's history (the local extension routes), e.g. `sstore audit`. */
  extension?: { command: string; route: 'audit' | 'history' };
}

type Supporter = Pick<Provider, 'descriptor' | 'capabilities'>;

/**
 * The one way to refuse what a provider cannot do: before any request or prompt, one line naming what and the
 * provider (`unsupported`, exit 2), with a hint saying what the provider does instead.
 */
export function requireSupport(provider: Supporter, wanted: Wanted): void {
  const problem = refusalOf(provider, wanted);
  if (problem) throw problem;
}

/** The error `requireSupport` throws, for a provider method that can never do what it was called for. */
export function refusal(provider: Supporter, wanted: Wanted): SstoreError {
  return refusalOf(provider, wanted) ?? new SstoreError('internal', `the ${provider.descriptor.name} provider refused something it supports`);
}

function refusalOf(provider: Supporter, wanted: Wanted): SstoreError | undefined {
  const { descriptor, capabilities: can } = provider;
  const { name } = descriptor;
  const refuse = (what: string, hint: string) => new SstoreError('unsupported', `${what} is not supported by the ${name} provider`, { reason: 'unsupported', hint });
  if (wanted.reveal !== undefined && !can.canReveal) {
    return new SstoreError('unsupported', `${descriptor.valuesNoun} are write-only: the API never returns them, so ${wanted.reveal} cannot read them`, {
      reason: 'write_only',
      hint: revealHint(can),
    });
  }
  if (wanted.extension !== undefined && !can.auditAndHistory) {
    const { command, route } = wanted.extension;
    return new SstoreError('unsupported', `the ${name} API has no ${route} route, so ${command} cannot work with this profile`, {
      reason: 'no_extension_route',
      hint:
        route === 'audit'
          ? `${command} works on the embedded store (--profile local) and on a local sstore server; on the server's machine \`sstore server audit\` reads its trail`
          : `${command} works on the embedded store (--profile local) and on a local sstore server`,
    });
  }
  if (wanted.stores !== undefined && !can.nativeStores) {
    const noun = descriptor.accountNoun;
    return refuse(wanted.stores, `the ${noun} is the one implicit store; use another ${noun} with another profile (--account)`);
  }
  if (wanted.duplicate && !can.duplicate) return refuse('secrets dup', 'values are write-only and there is no copy: put the value again under the new key');
  if (wanted.overwrite && !can.overwrite) return refuse('overwriting with dup (--force)', 'delete the destination first: a name exists once per store');
  if (wanted.scopes && !can.scopes) return refuse('--scopes', `${name} secrets have no scopes`);
  if (wanted.comment && !can.comments) return refuse('--comment', `${name} stores a key and a value, nothing more`);
  if (wanted.window && !can.validityWindow) return refuse('a validity window (--not-before, --expires-on)', 'only neostore secrets have one');
  if (wanted.order !== undefined && !can.orders.includes(wanted.order)) {
    return refuse(`ordering by ${wanted.order}`, `order by ${can.orders.join(', ')}`);
  }
  return undefined;
}

function revealHint(can: Capabilities): string {
  const metadata = '`sstore secrets get NAME` shows the metadata';
  // Cloudflare's own API never reveals, but the same profile shape against an sstore server does.
  return can.nativeStores ? `${metadata}; values can be read back from the embedded store or a local sstore server (with a reveal token)` : metadata;
}

/** The commands behind each audit and history method, as refusals name them. */
export const EXTENSION_COMMANDS = {
  listAudit: { command: 'sstore audit', route: 'audit' },
  listVersions: { command: 'sstore secrets history', route: 'history' },
  revealVersion: { command: 'sstore secrets get --version', route: 'history' },
  rollbackSecret: { command: 'sstore secrets rollback', route: 'history' },
} as const satisfies Record<keyof ExtensionMethods, Wanted['extension']>;

/** The audit and history methods of a provider whose API has no such routes: each refuses, before any request. */
export function withoutExtensions(provider: Supporter): ExtensionMethods {
  return {
    listAudit: () => Promise.reject(refusal(provider, { extension: EXTENSION_COMMANDS.listAudit })),
    listVersions: () => Promise.reject(refusal(provider, { extension: EXTENSION_COMMANDS.listVersions })),
    revealVersion: () => Promise.reject(refusal(provider, { extension: EXTENSION_COMMANDS.revealVersion })),
    rollbackSecret: () => Promise.reject(refusal(provider, { extension: EXTENSION_COMMANDS.rollbackSecret })),
  };
}
