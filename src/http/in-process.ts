import type { MasterKey } from '../engine/master-key.ts';
import type { FetchFn } from './client.ts';
import { installInProcessWeb, LiteRequest, type LiteRequestInit } from './in-process-web.ts';

/** The account of the embedded store: any 32-hex id works there; this one reads as "local". */
export const LOCAL_ACCOUNT_ID = '10ca1000000000000000000000000000';
/** Never resolved: requests go to the app's fetch handler, not to a socket. */
export const IN_PROCESS_ORIGIN = 'http://sstore.in-process';

export interface InProcessTransport {
  fetch: FetchFn;
  /** Closes the database if it was opened. */
  close(): Promise<void>;
}

/**
 * The embedded store as a fetch function: the server's app answering in this process, trusted (the CLI already holds
 * the master key, so a token would protect nothing). The engine and the app load on the first request only.
 * Call it before the HTTP client is made: from here on the process's Headers, Request and Response are the light ones.
 */
export function inProcessTransport(options: { dataDir: string; env: NodeJS.ProcessEnv; onKeyCreated?: (key: MasterKey) => void }): InProcessTransport {
  installInProcessWeb();
  let opened: Promise<{ fetch: FetchFn; close(): Promise<void> }> | undefined;
  const open = async () => {
    const [{ openEngine }, { createApp }, { trustedAuthenticator }] = await Promise.all([
      import('../engine/open.ts'),
      import('../server/app.ts'),
      import('../server/auth.ts'),
    ]);
    const engine = await openEngine({
      target: { kind: 'sqlite', dataDir: options.dataDir },
      env: options.env,
      ...(options.onKeyCreated && { onKeyCreated: options.onKeyCreated }),
    });
    const handle = createApp({ engine, authenticate: trustedAuthenticator });
    return {
      fetch: (async (input: Request | string | URL, init?: RequestInit) =>
        handle(new LiteRequest(input as string | URL, init as LiteRequestInit) as unknown as Request)) as FetchFn,
      close: () => engine.close(),
    };
  };
  return {
    async fetch(input, init) {
      opened ??= open();
      return (await opened).fetch(input, init);
    },
    async close() {
      if (opened) await opened.then((o) => o.close(), () => undefined);
    },
  };
}
