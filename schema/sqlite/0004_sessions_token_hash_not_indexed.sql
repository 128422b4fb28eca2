-- Sessions are looked up by token hash in memory only (the registry loads them at start), so
-- the unique index that 0001 put on token_hash was never read: it only cost a write to a
-- random b-tree page per new session, which bounds the rate of durable session creation
-- (docs/benchmarks.md). Tokens are 256 random bits; a repeated hash is not a case to index for.
-- SQLite cannot drop a column constraint's index, so the table is rebuilt.
CREATE TABLE sessions_rebuilt (
  id           TEXT PRIMARY KEY,
  token_hash   BLOB NOT NULL CHECK (length(token_hash) = 32),
  principal_id TEXT NOT NULL REFERENCES principals(id),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  user_agent   TEXT
) STRICT;
INSERT INTO sessions_rebuilt (id, token_hash, principal_id, created_at, expires_at, revoked_at, user_agent)
  SELECT id, token_hash, principal_id, created_at, expires_at, revoked_at, user_agent FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_rebuilt RENAME TO sessions;
CREATE INDEX sessions_by_principal ON sessions(principal_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
