-- Refresh tokens and their families (docs/api.md, Refresh tokens). A family is one sign-in (a
-- login, an OAuth grant, a CLI login) and every token rotated from it; its lifetime is absolute
-- from the sign-in. Tokens are stored only as the SHA-256 of their text. A consumed token keeps
-- its successor's hash, so that presenting it again is told apart as a retry (successor unused)
-- or a reuse (successor presented), and a superseded successor (replaced by a retry) as reuse.
CREATE TABLE refresh_families (
  id           TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(id),
  origin       TEXT NOT NULL CHECK (origin IN ('login', 'oauth', 'cli')),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked_at   INTEGER
) STRICT;
CREATE INDEX refresh_families_by_principal ON refresh_families(principal_id);
CREATE INDEX refresh_families_by_expiry ON refresh_families(expires_at);

CREATE TABLE refresh_tokens (
  token_hash     BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
  family_id      TEXT NOT NULL REFERENCES refresh_families(id) ON DELETE CASCADE,
  session_id     TEXT NOT NULL,
  issued_at      INTEGER NOT NULL,
  consumed_at    INTEGER,
  superseded_at  INTEGER,
  successor_hash BLOB CHECK (successor_hash IS NULL OR length(successor_hash) = 32)
) STRICT;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);

-- The family a session was minted in (NULL: outside any family), so that ending the session
-- ends the family and ending the family ends its sessions.
ALTER TABLE sessions ADD COLUMN family_id TEXT;
CREATE INDEX sessions_by_family ON sessions(family_id) WHERE family_id IS NOT NULL;
