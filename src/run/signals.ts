/** Signals sstore passes on to the child while it runs. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/**
 * Catches every forwarded signal sstore receives (so none of them ends sstore before its child) and hands it to
 * `send`. Returns the function that stops catching them.
 */
export function forwardSignals(send: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of FORWARDED_SIGNALS) process.on(signal, send);
  return () => {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, send);
  };
}
