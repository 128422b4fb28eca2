-- Principals: one per Clerk user (kind 'user') or per device (kind 'anonymous').
CREATE TABLE principals (
  id                 TEXT PRIMARY KEY,
  kind               TEXT NOT NULL CHECK (kind IN ('user', 'anonymous')),
  clerk_user_id      TEXT UNIQUE,
  device_id          TEXT UNIQUE,
  email              TEXT,
  name               TEXT,
  plan               TEXT NOT NULL DEFAULT 'free',
  plan_status        TEXT NOT NULL DEFAULT 'active',
  current_period_end INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  CHECK ((kind = 'user' AND clerk_user_id IS NOT NULL AND device_id IS NULL)
      OR (kind = 'anonymous' AND device_id IS NOT NULL AND clerk_user_id IS NULL))
) STRICT;

-- Sessions are stored by the SHA-256 of their token only; the token itself is never written.
CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  token_hash   BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  principal_id TEXT NOT NULL REFERENCES principals(id),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  user_agent   TEXT
) STRICT;
CREATE INDEX sessions_by_principal ON sessions(principal_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

-- Which user claimed an anonymous device's rows (see the Rebind section of the contract).
CREATE TABLE device_bindings (
  device_id         TEXT PRIMARY KEY,
  user_principal_id TEXT NOT NULL REFERENCES principals(id),
  first_rebound_at  INTEGER NOT NULL,
  last_rebound_at   INTEGER NOT NULL
) STRICT;

-- Owner-bearing tables: every table with an owner_id column must be listed in
-- src/store/rebind_store.cpp so that a rebind moves its rows.
CREATE TABLE research (
  id         TEXT PRIMARY KEY,
  owner_id   TEXT NOT NULL REFERENCES principals(id),
  title      TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
  last_seq   INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX research_by_owner ON research(owner_id, created_at);

-- Events belong to their research item and follow it on rebind.
CREATE TABLE research_events (
  research_id TEXT NOT NULL REFERENCES research(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL CHECK (seq >= 1),
  event       TEXT NOT NULL,
  data        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (research_id, seq)
) STRICT, WITHOUT ROWID;

-- Secret values are AES-256-GCM ciphertexts (nonce || ciphertext || tag), bound to the row id.
CREATE TABLE secrets (
  id         TEXT PRIMARY KEY,
  owner_id   TEXT NOT NULL REFERENCES principals(id),
  name       TEXT NOT NULL,
  ciphertext BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (owner_id, name)
) STRICT;
