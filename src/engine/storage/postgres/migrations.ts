import { SstoreError } from '../../../errors.ts';
import type { Database } from './pool.ts';

/**
 * The PostgreSQL schema, in versions applied in order, each in one transaction; `sstore_schema` records the last one.
 * Tables are prefixed with `sstore_` because a PostgreSQL database is often shared with other programs. Same shape and
 * semantics as the SQLite schema (../migrations.ts): `seq` (an identity column) is the insertion order every list
 * breaks ties with; names and comments are `COLLATE "C"` so that they sort by bytes, as SQLite's BINARY collation does.
 * Constraints are named, since a unique violation is recognised by its SQLSTATE and the constraint it names.
 * `sstore_version` is bumped by every write that changes a record an instance may cache (see coherence.ts).
 * Never edit a migration that has shipped: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sstore_meta (
    key text PRIMARY KEY,
    value bytea NOT NULL
  );

  CREATE TABLE sstore_stores (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL CONSTRAINT sstore_stores_id_key UNIQUE,
    namespace text NOT NULL,
    account_id text NOT NULL,
    name text COLLATE "C" NOT NULL,
    managed_by text,
    created bigint NOT NULL,
    modified bigint NOT NULL,
    secret_count bigint NOT NULL DEFAULT 0,
    CONSTRAINT sstore_stores_name_key UNIQUE (namespace, account_id, name)
  );

  CREATE TABLE sstore_secrets (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL CONSTRAINT sstore_secrets_id_key UNIQUE,
    store_id text NOT NULL REFERENCES sstore_stores(id) ON DELETE CASCADE,
    namespace text NOT NULL,
    account_id text NOT NULL,
    name text COLLATE "C" NOT NULL,
    comment text COLLATE "C",
    -- ',a,b,' so that a scope filter is a LIKE on ',scope,'
    scopes text COLLATE "C" NOT NULL,
    status text COLLATE "C" NOT NULL,
    value bytea NOT NULL,
    not_before bigint,
    expires_on bigint,
    created bigint NOT NULL,
    modified bigint NOT NULL,
    created_by text,
    updated_by text,
    CONSTRAINT sstore_secrets_name_key UNIQUE (store_id, name)
  );
  CREATE INDEX sstore_secrets_store_created ON sstore_secrets (store_id, created, seq);
  CREATE INDEX sstore_secrets_account ON sstore_secrets (namespace, account_id);

  -- A per-store secret count kept exact by triggers, so an unfiltered page's total and the quota check do not scan.
  CREATE FUNCTION sstore_count_secrets() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      UPDATE sstore_stores SET secret_count = secret_count + 1 WHERE id = NEW.store_id;
    ELSE
      UPDATE sstore_stores SET secret_count = secret_count - 1 WHERE id = OLD.store_id;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER sstore_secrets_count AFTER INSERT OR DELETE ON sstore_secrets
    FOR EACH ROW EXECUTE FUNCTION sstore_count_secrets();

  CREATE TABLE sstore_tokens (
    id text PRIMARY KEY,
    name text NOT NULL CONSTRAINT sstore_tokens_name_key UNIQUE,
    hash bytea NOT NULL CONSTRAINT sstore_tokens_hash_key UNIQUE,
    permissions text NOT NULL,
    account text,
    service text,
    created bigint NOT NULL
  );

  CREATE TABLE sstore_version (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL
  );
  INSERT INTO sstore_version (version) VALUES (0);
  `,
  // 2: the audit trail and secret history, as SQLite's migration 3 (see src/engine/storage/migrations.ts).
  `
  CREATE TABLE sstore_audit (
    id bigint PRIMARY KEY,
    time bigint NOT NULL,
    actor text COLLATE "C" NOT NULL,
    os_user text,
    action text COLLATE "C" NOT NULL,
    namespace text,
    store_id text,
    secret_id text,
    name text COLLATE "C",
    fields text,
    detail text,
    prev_hash text NOT NULL,
    hash text NOT NULL
  );

  ALTER TABLE sstore_secrets ADD COLUMN version integer NOT NULL DEFAULT 1,
    ADD COLUMN value_set bigint, ADD COLUMN value_set_by text;

  CREATE TABLE sstore_secret_versions (
    secret_id text NOT NULL REFERENCES sstore_secrets(id) ON DELETE CASCADE,
    version integer NOT NULL,
    value bytea NOT NULL,
    created bigint NOT NULL,
    actor text,
    PRIMARY KEY (secret_id, version)
  );
  `,
];

/** Both instances' migrations queue on this session lock; the second finds the schema done. */
const MIGRATION_LOCK = "hashtext('sstore:migrate')";

export async function schemaVersion(db: Database): Promise<number> {
  const [exists] = await db.rows("SELECT to_regclass('sstore_schema') IS NOT NULL");
  if (!exists?.[0]) return 0;
  const [row] = await db.rows('SELECT version FROM sstore_schema');
  return row ? Number(row[0]) : 0;
}

/**
 * Brings the schema to the newest version. Instances that start together serialise on an advisory lock held for the
 * whole migration, and each re-reads the version once it holds the lock, so every migration runs exactly once.
 */
export async function migrate(db: Database): Promise<void> {
  await db.withConnection(async (q) => {
    await q.rows(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await q.run('CREATE TABLE IF NOT EXISTS sstore_schema (version integer NOT NULL)');
      const [row] = await q.rows('SELECT version FROM sstore_schema');
      let current = row ? Number(row[0]) : 0;
      if (!row) await q.run('INSERT INTO sstore_schema (version) VALUES (0)');
      if (current > MIGRATIONS.length) {
        throw new SstoreError(
          'internal',
          `database schema version ${current} is newer than this sstore understands (${MIGRATIONS.length}): upgrade sstore`,
        );
      }
      for (; current < MIGRATIONS.length; current++) {
        await q.run('BEGIN');
        try {
          await q.run(MIGRATIONS[current]!);
          await q.run('UPDATE sstore_schema SET version = $1', [current + 1]);
          await q.run('COMMIT');
        } catch (error) {
          await q.run('ROLLBACK').catch(() => {});
          throw error;
        }
      }
    } finally {
      await q.rows(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => {});
    }
  });
}
