import { userInfo } from 'node:os';

/**
 * Who did something, as the audit trail and the secret history record it. Server requests act as their token's name
 * (the OS user is unknown there, so null); the embedded store and offline `sstore server …` commands act as `local`,
 * with the name of the OS user that ran them beside it.
 */
export interface Actor {
  name: string;
  osUser: string | null;
}

/** The actor of everything done in-process, without a token: `local`, with the OS user (null if it has no name). */
export function localActor(): Actor {
  return LOCAL;
}

function osUserName(): string | null {
  try {
    return userInfo().username || null;
  } catch {
    return null; // a uid without a passwd entry (containers)
  }
}

const LOCAL: Actor = Object.freeze({ name: 'local', osUser: osUserName() });

/** The actor of a request made with a token. */
export function tokenActor(tokenName: string): Actor {
  return Object.freeze({ name: tokenName, osUser: null });
}
