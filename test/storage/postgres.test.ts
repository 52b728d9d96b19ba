import { openPostgresStorage } from '../../src/engine/storage/postgres/index.ts';
import { redactUrl } from '../../src/engine/storage/target.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { exerciseStorage } from './contract.ts';

// The storage contract on PostgreSQL: every test gets a fresh database (and role) on the run's cluster; a connection
// is a new pool of its own, as another server instance would hold, so races and coherence go through the server.
exerciseStorage({
  name: 'postgres',
  async fresh() {
    const url = await freshDatabase();
    return {
      async connect() {
        const storage = await openPostgresStorage(url, redactUrl(url));
        await storage.migrate();
        return storage;
      },
    };
  },
});
