import type { ErrorKind } from '../errors.ts';

/** Stable exit codes: scripts may rely on them. Documented in the README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  conflict: 5,
  quota: 6,
  network: 7,
  interrupted: 130,
} as const;

export function exitCodeFor(kind: ErrorKind): number {
  switch (kind) {
    case 'usage':
    case 'validation':
    case 'unsupported':
      return EXIT.usage;
    case 'not_found':
      return EXIT.notFound;
    case 'auth':
    case 'permission':
      return EXIT.auth;
    case 'conflict':
      return EXIT.conflict;
    case 'quota':
      return EXIT.quota;
    case 'network':
      return EXIT.network;
    case 'cancelled':
      return EXIT.interrupted;
    case 'internal':
      return EXIT.failure;
  }
}
