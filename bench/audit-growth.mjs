// What the audit trail and secret history cost on disk: the SQLite file's growth over N appended entries (realistic
// ones: a secret.update naming its store, secret and fields), and over N value changes of a 60-byte value (each adds
// its entry and keeps the value it replaced), each after a checkpoint (the WAL folded into the file). In-process, on the storage
// itself, so that nothing else grows the file.
//
//   node bench/audit-growth.mjs [--entries 20000] [--versions 5000] [--json]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { draft } from '../src/engine/audit/entry.ts';
import { openSqliteStorage } from '../src/engine/storage/sqlite.ts';

const { values } = parseArgs({
  options: { entries: { type: 'string', default: '20000' }, versions: { type: 'string', default: '5000' }, json: { type: 'boolean', default: false } },
});
const entries = Number(values.entries);
const versions = Number(values.versions);
const dir = mkdtempSync(join(tmpdir(), 'sstore-audit-growth-'));
const path = join(dir, 'sstore.db');
const id = () => randomBytes(16).toString('hex');

/** The file's size once everything written is in it (a TRUNCATE checkpoint empties the WAL into the file). */
async function settledSize() {
  const storage = await openSqliteStorage(path);
  await storage.close(); // closing the last connection checkpoints
  return statSync(path).size;
}

try {
  let storage = await openSqliteStorage(path);
  await storage.migrate();
  const actor = { name: 'ci-deploy', osUser: null };
  const store = { id: id(), namespace: 'cloudflare', accountId: '985e105f4ecef8ad9ca31a8372d0c353', name: 'production', managedBy: null, created: 1, modified: 1 };
  await storage.insertStore(store, 10, draft(actor, 'store.create', Date.now() * 1000, { namespace: 'cloudflare', storeId: store.id, name: store.name }));
  const secret = { id: id(), storeId: store.id, name: 'DATABASE_PASSWORD', comment: null, scopes: ['workers'], status: 'active', notBefore: null, expiresOn: null, created: 1, modified: 1, createdBy: 'ci-deploy', updatedBy: 'ci-deploy' };
  await storage.insertSecrets([{ record: secret, sealed: randomBytes(60) }], store, 1e9, []);
  await storage.close();

  const before = await settledSize();
  storage = await openSqliteStorage(path);
  for (let done = 0; done < entries; done += 100) {
    const batch = Array.from({ length: Math.min(100, entries - done) }, (_, i) =>
      draft(actor, 'secret.update', Date.now() * 1000 + i, {
        namespace: 'cloudflare',
        storeId: store.id,
        secretId: secret.id,
        name: `SECRET_NAME_${String(done + i).padStart(6, '0')}`,
        fields: ['value', 'comment'],
      }),
    );
    await storage.appendAudit(batch);
  }
  await storage.close();
  const afterEntries = await settledSize();

  // Versions: every kept, each a 60-byte value sealed (1 + 12 + 16 + 60 bytes), by updates without an audit entry.
  storage = await openSqliteStorage(path);
  for (let i = 0; i < versions; i++) {
    const entry = draft(actor, 'secret.update', Date.now() * 1000, {
      namespace: 'cloudflare',
      storeId: store.id,
      secretId: secret.id,
      name: secret.name,
      fields: ['value'],
    });
    await storage.updateSecret(store.id, secret.id, { sealed: randomBytes(89), modified: Date.now() * 1000, updatedBy: 'ci-deploy' }, entry, versions);
  }
  await storage.close();
  const afterVersions = await settledSize();
  const report = {
    entries,
    versions,
    bytesPerEntry: Math.round((afterEntries - before) / entries),
    // A value change adds its audit entry and keeps the value it replaced.
    bytesPerValueChange: Math.round((afterVersions - afterEntries) / versions),
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(report)}\n`
      : `audit entry: ${report.bytesPerEntry} bytes each (over ${entries}); a value change of a 60-byte value, its entry and` +
          ` the kept version: ${report.bytesPerValueChange} bytes (over ${versions})\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
