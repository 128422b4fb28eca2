-- The changes feed between nodes (schema/postgresql/0005_changes.sql). One node on SQLite has
-- no other node to tell, so the table stays empty here; it exists so that both engines hold
-- the same schema and a migration to PostgreSQL copies nothing it does not know.
CREATE TABLE changes (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  node_id    TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Stream tickets that any node can redeem (several nodes only; one node keeps them in memory).
CREATE TABLE stream_tickets (
  ticket_hash   BLOB PRIMARY KEY CHECK (length(ticket_hash) = 32),
  credential_id TEXT NOT NULL,
  expires_at    INTEGER NOT NULL
) STRICT;
