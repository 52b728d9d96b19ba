/**
 * Versioned schema migrations, applied in order inside one transaction each. `PRAGMA user_version` records the
 * last one applied. Never edit a migration that has shipped: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
  ) STRICT;

  CREATE TABLE stores (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    namespace TEXT NOT NULL,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    managed_by TEXT,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    UNIQUE (namespace, account_id, name)
  ) STRICT;

  CREATE TABLE secrets (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    store_id TEXT NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    namespace TEXT NOT NULL,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    comment TEXT,
    -- ',a,b,' so that a scope filter is a LIKE on ',scope,'
    scopes TEXT NOT NULL,
    status TEXT NOT NULL,
    value BLOB NOT NULL,
    not_before INTEGER,
    expires_on INTEGER,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    created_by TEXT,
    updated_by TEXT,
    UNIQUE (store_id, name)
  ) STRICT;
  CREATE INDEX secrets_store_created ON secrets (store_id, created, seq);
  CREATE INDEX secrets_account ON secrets (namespace, account_id);

  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    hash BLOB NOT NULL UNIQUE,
    permissions TEXT NOT NULL,
    account TEXT,
    service TEXT,
    created INTEGER NOT NULL
  ) STRICT;
  `,
  // 2: a per-store secret count kept exact by triggers, so an unfiltered page and the quota check do not scan.
  `
  ALTER TABLE stores ADD COLUMN secret_count INTEGER NOT NULL DEFAULT 0;
  UPDATE stores SET secret_count = (SELECT COUNT(*) FROM secrets WHERE secrets.store_id = stores.id);
  CREATE TRIGGER secrets_count_insert AFTER INSERT ON secrets BEGIN
    UPDATE stores SET secret_count = secret_count + 1 WHERE id = NEW.store_id;
  END;
  CREATE TRIGGER secrets_count_delete AFTER DELETE ON secrets BEGIN
    UPDATE stores SET secret_count = secret_count - 1 WHERE id = OLD.store_id;
  END;
  `,
  // 3: the audit trail (ids from 1, each entry chained to the one before) and secret history: the current value's
  // version number, when and by whom it was set (null: at creation, by created_by), and the earlier values kept.
  `
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    actor TEXT NOT NULL,
    os_user TEXT,
    action TEXT NOT NULL,
    namespace TEXT,
    store_id TEXT,
    secret_id TEXT,
    name TEXT,
    fields TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;

  ALTER TABLE secrets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE secrets ADD COLUMN value_set INTEGER;
  ALTER TABLE secrets ADD COLUMN value_set_by TEXT;

  CREATE TABLE secret_versions (
    secret_id TEXT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    value BLOB NOT NULL,
    created INTEGER NOT NULL,
    actor TEXT,
    PRIMARY KEY (secret_id, version)
  ) STRICT, WITHOUT ROWID;
  `,
];
