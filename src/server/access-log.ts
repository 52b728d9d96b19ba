import type { IncomingMessage, ServerResponse } from 'node:http';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface AccessLog {
  /** The listener, logging each request once its response is written. */
  wrap(listener: RequestListener): (request: IncomingMessage, response: ServerResponse) => void;
  /** Writes the lines still pending (at shutdown). */
  flush(): void;
}

/**
 * One line per request: time, method, path without the query, status (`aborted` when the client hung up before
 * sending its whole body), duration. Never a header, a query or a body, so never a token or a value. Lines gathered over one turn of the event loop are written together: one write(2)
 * for a burst of requests instead of one each (stderr to a file or a pipe is a synchronous write). Formatting a
 * timestamp costs more than the rest of a line, so requests within the same millisecond share one.
 */
export function createAccessLog(write: (text: string) => void): AccessLog {
  let pending = '';
  let stampedAt = -1;
  let stamp = '';
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  const add = (line: string) => {
    if (pending === '') {
      pending = line;
      setImmediate(flush);
    } else {
      pending += `\n${line}`;
    }
  };
  const timestamp = () => {
    const now = Date.now();
    if (now !== stampedAt) {
      stampedAt = now;
      stamp = new Date(now).toISOString();
    }
    return stamp;
  };
  return {
    wrap(listener) {
      return (request, response) => {
        const started = performance.now();
        const done = () => {
          const url = request.url ?? '/';
          const query = url.indexOf('?');
          const path = query === -1 ? url : url.slice(0, query);
          // A client that hung up before sending its whole body got no answer worth counting as a status.
          const status = request.readableAborted ? 'aborted' : response.statusCode;
          add(`${timestamp()} ${request.method} ${path} ${status} ${(performance.now() - started).toFixed(1)}ms`);
        };
        listener(request, response).then(done, done);
      };
    },
    flush,
  };
}
