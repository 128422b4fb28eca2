-- The same schema as schema/sqlite/0001_initial.sql, in PostgreSQL's types: INTEGER columns of
-- Unix seconds are BIGINT, BLOBs are BYTEA. Tables SQLite orders by rowid carry an identity
-- column (ord) for the same purpose.
CREATE TABLE principals (
  id                 TEXT PRIMARY KEY,
  kind               TEXT NOT NULL CHECK (kind IN ('user', 'anonymous')),
  clerk_user_id      TEXT UNIQUE,
  device_id          TEXT UNIQUE,
  email              TEXT,
  name               TEXT,
  plan               TEXT NOT NULL DEFAULT 'free',
  plan_status        TEXT NOT NULL DEFAULT 'active',
  current_period_end BIGINT,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  CHECK ((kind = 'user' AND clerk_user_id IS NOT NULL AND device_id IS NULL)
      OR (kind = 'anonymous' AND device_id IS NOT NULL AND clerk_user_id IS NULL))
);

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  token_hash   BYTEA NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  principal_id TEXT NOT NULL REFERENCES principals(id),
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  revoked_at   BIGINT,
  user_agent   TEXT
);
CREATE INDEX sessions_by_principal ON sessions(principal_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

CREATE TABLE device_bindings (
  device_id         TEXT PRIMARY KEY,
  user_principal_id TEXT NOT NULL REFERENCES principals(id),
  first_rebound_at  BIGINT NOT NULL,
  last_rebound_at   BIGINT NOT NULL
);

-- Owner-bearing tables: every table with an owner_id column must be listed in
-- src/store/rebind_store.cpp so that a rebind moves its rows.
CREATE TABLE research (
  id         TEXT PRIMARY KEY,
  ord        BIGINT GENERATED ALWAYS AS IDENTITY,
  owner_id   TEXT NOT NULL REFERENCES principals(id),
  title      TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
  last_seq   BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX research_by_owner ON research(owner_id, created_at);

CREATE TABLE research_events (
  research_id TEXT NOT NULL REFERENCES research(id) ON DELETE CASCADE,
  seq         BIGINT NOT NULL CHECK (seq >= 1),
  event       TEXT NOT NULL,
  data        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (research_id, seq)
);

CREATE TABLE secrets (
  id         TEXT PRIMARY KEY,
  owner_id   TEXT NOT NULL REFERENCES principals(id),
  name       TEXT NOT NULL,
  ciphertext BYTEA NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (owner_id, name)
);
