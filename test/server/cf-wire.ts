/**
 * What the Cloudflare dialect sends, written out by hand rather than derived from the server's serializers: the
 * tests hold the server to this contract, so it must not follow the server when the server changes.
 */

export interface WireStore {
  id: string;
  name: string;
  account_id: string;
  created: string;
  modified: string;
}

export interface WireSecret {
  id: string;
  name: string;
  store_id: string;
  comment: string;
  scopes: string[];
  status: 'pending' | 'active' | 'deleted';
  created: string;
  modified: string;
}

/** The local reveal extension: one secret's value (`/value`) or several (`/values?ids=`). */
export interface WireRevealed {
  id: string;
  name: string;
  value: string;
}

export interface WireResultInfo {
  count: number;
  page: number;
  per_page: number;
  total_count: number;
  total_pages: number;
}

export interface WireError {
  code: number;
  message: string;
}

/**
 * Cloudflare's v4 envelope around a result of type R. The server sends `result_info` with every collection and
 * with nothing else, so a list's `result_info` needs no `!` and a single object's cannot be read by mistake.
 * An error reply's result is null.
 */
export type Envelope<R = unknown> = {
  success: boolean;
  errors: WireError[];
  messages: unknown[];
  result: R;
} & ([R] extends [readonly unknown[]] ? { result_info: WireResultInfo } : unknown);
