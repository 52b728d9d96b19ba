import { parentPort, workerData } from 'node:worker_threads';
import { SstoreError } from '../../src/errors.ts';
import { openSqliteStorage } from '../../src/engine/storage/sqlite.ts';
import type { Storage } from '../../src/engine/storage/storage.ts';

// One SQLite connection in its own thread, driven by worker-storage.ts: the contract's racers write in parallel, as
// separate processes would, instead of one after another on one thread.

export interface Call {
  id: number;
  method: string;
  args: unknown[];
}

export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { message: string; kind?: SstoreError['kind']; reason?: string; status?: number } };

const storage: Storage = await openSqliteStorage((workerData as { path: string }).path);
await storage.migrate();
const port = parentPort!;

port.on('message', async (call: Call) => {
  let reply: Reply;
  try {
    const method = (storage as unknown as Record<string, (...args: unknown[]) => unknown>)[call.method]!;
    reply = { id: call.id, ok: true, value: await method.apply(storage, call.args) };
  } catch (error) {
    reply = {
      id: call.id,
      ok: false,
      error:
        error instanceof SstoreError
          ? { message: error.message, kind: error.kind, ...(error.reason && { reason: error.reason }), ...(error.status && { status: error.status }) }
          : { message: String(error) },
    };
  }
  port.postMessage(reply);
});
port.postMessage({ id: 0, ok: true, value: 'ready' } satisfies Reply);
