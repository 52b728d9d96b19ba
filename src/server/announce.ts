import { networkInterfaces } from 'node:os';

/** What `sstore server start` prints once it listens: every address and command in it works as printed. */

const WILDCARD_V4 = new Set(['0.0.0.0', '']);
const WILDCARD_V6 = new Set(['::', '[::]']);

export interface Announcement {
  /** The URL this machine reaches the server at: loopback when it listens on every interface. */
  url: string;
  /** For stdout, in order; the last one is `sstore server listening on URL` (what scripts wait for). */
  lines: string[];
}

export interface AnnounceOptions {
  host: string;
  port: number;
  /** The root token when it was generated now (first start), shown once. */
  newRootToken: string | undefined;
  /** The account id the export line names; any id works on this server. */
  account: string;
}

function urlFor(host: string, port: number): string {
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** The addresses other machines may use, when listening on every interface of a family. */
function otherAddresses(family: 'IPv4' | 'IPv6' | 'both'): string[] {
  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal || (family !== 'both' && entry.family !== family)) continue;
      // Link-local IPv6 addresses need a zone to be used: leave them out.
      if (entry.family === 'IPv6' && entry.address.toLowerCase().startsWith('fe80')) continue;
      found.push(entry.address);
    }
  }
  return found;
}

export function announce(options: AnnounceOptions): Announcement {
  const { host, port } = options;
  const v4 = WILDCARD_V4.has(host);
  const v6 = WILDCARD_V6.has(host);
  const url = urlFor(v4 ? '127.0.0.1' : v6 ? '::1' : host, port);
  const lines: string[] = [];
  const exports = `export SSTORE_API_URL=${url}/client/v4 CLOUDFLARE_ACCOUNT_ID=${options.account}`;
  if (options.newRootToken) {
    lines.push(`root token (shown once, stored hashed): ${options.newRootToken}`);
    lines.push(`  ${exports} SSTORE_API_TOKEN=${options.newRootToken}`);
  } else {
    lines.push(`  ${exports}   # and SSTORE_API_TOKEN: one of this server's tokens`);
  }
  if (v4 || v6) {
    const others = otherAddresses(v4 ? 'IPv4' : 'both').map((address) => urlFor(address, port));
    if (others.length > 0) lines.push(`from other machines: ${others.join(', ')}`);
  }
  lines.push(`sstore server listening on ${url}`);
  return { url, lines };
}
