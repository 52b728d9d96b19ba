import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteStorage } from '../../src/engine/storage/sqlite.ts';
import { tempDir } from '../helpers/env.ts';
import { exerciseStorage } from './contract.ts';
import { openWorkerStorage } from './worker-storage.ts';

// The storage contract on SQLite: a database is a file in a temp dir; a connection is a new DatabaseSync on it, and a
// racer one in a worker thread, as another process would be.
exerciseStorage({
  name: 'sqlite',
  tablePrefix: '',
  async fresh() {
    const path = join(tempDir('sstore-contract-'), 'sstore.db');
    const connect = async () => {
      const storage = await openSqliteStorage(path);
      await storage.migrate();
      return storage;
    };
    const sql = async (statement: string) => {
      const db = new DatabaseSync(path);
      try {
        db.exec(statement);
      } finally {
        db.close();
      }
    };
    return { connect, connectRacer: async () => openWorkerStorage(path), sql };
  },
});
