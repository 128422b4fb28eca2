-- One row that GET /ready rewrites: a committed write is the only honest proof that the
-- database is writable (disk not full, file not read-only, write lock obtainable).
CREATE TABLE readiness_probe (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL
) STRICT;
