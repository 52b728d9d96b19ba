import { Worker } from 'node:worker_threads';
import { SstoreError } from '../../src/errors.ts';
import type { Storage } from '../../src/engine/storage/storage.ts';
import type { Call, Reply } from './sqlite-worker.ts';

/**
 * A Storage whose SQLite connection lives in a worker thread (sqlite-worker.ts): every call is a message, so several
 * of them write truly at once. Errors come back as SstoreErrors of the same kind and reason; anything else as a plain
 * Error, which the contract counts as a failure. exportAll/importAll do not cross the thread.
 */
export async function openWorkerStorage(path: string): Promise<Storage> {
  const worker = new Worker(new URL('./sqlite-worker.ts', import.meta.url), { workerData: { path } });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  let next = 1;
  let closed = false;
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (reply: Reply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiting?.resolve(reply.value);
    else {
      const { kind, message, reason, status } = reply.error;
      waiting?.reject(kind ? new SstoreError(kind, message, { ...(reason && { reason }), ...(status && { status }) }) : new Error(message));
    }
  });
  await ready;
  const call = (method: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args } satisfies Call);
    });
  return new Proxy({} as Storage, {
    get(_, property) {
      if (property === 'location') return path;
      if (property === 'then') return undefined; // not a thenable: `await openWorkerStorage()` gives the proxy
      if (property === 'close') {
        return async () => {
          if (closed) return;
          closed = true;
          await call('close', []);
          await worker.terminate();
        };
      }
      return (...args: unknown[]) => call(String(property), args);
    },
  });
}
