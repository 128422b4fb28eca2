-- As schema/sqlite/0006_refresh_families.sql.
CREATE TABLE refresh_families (
  id           TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(id),
  origin       TEXT NOT NULL CHECK (origin IN ('login', 'oauth', 'cli')),
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  revoked_at   BIGINT
);
CREATE INDEX refresh_families_by_principal ON refresh_families(principal_id);
CREATE INDEX refresh_families_by_expiry ON refresh_families(expires_at);

CREATE TABLE refresh_tokens (
  token_hash     BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
  family_id      TEXT NOT NULL REFERENCES refresh_families(id) ON DELETE CASCADE,
  session_id     TEXT NOT NULL,
  issued_at      BIGINT NOT NULL,
  consumed_at    BIGINT,
  superseded_at  BIGINT,
  successor_hash BYTEA CHECK (successor_hash IS NULL OR octet_length(successor_hash) = 32)
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);

ALTER TABLE sessions ADD COLUMN family_id TEXT;
CREATE INDEX sessions_by_family ON sessions(family_id) WHERE family_id IS NOT NULL;
