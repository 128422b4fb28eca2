-- As schema/sqlite/0002_api_keys.sql.
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  ord          BIGINT GENERATED ALWAYS AS IDENTITY,
  user_id      TEXT NOT NULL REFERENCES principals(id),
  name         TEXT NOT NULL,
  scopes       BIGINT NOT NULL,
  key_hash     BYTEA NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
  tail         TEXT NOT NULL,
  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT,
  last_used_at BIGINT,
  revoked_at   BIGINT
);
CREATE INDEX api_keys_by_user ON api_keys(user_id, created_at);
