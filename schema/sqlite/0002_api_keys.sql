-- Long-lived API keys of signed-in users. Stored by the SHA-256 of the key only. Keys belong
-- to user principals (user_id, not owner_id: a rebind never moves them).
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES principals(id),
  name         TEXT NOT NULL,
  scopes       INTEGER NOT NULL,
  key_hash     BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  tail         TEXT NOT NULL,
  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;
CREATE INDEX api_keys_by_user ON api_keys(user_id, created_at);
