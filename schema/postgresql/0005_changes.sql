-- The changes feed between nodes: each write that changes what memory holds (a session minted
-- or revoked, a key, an event, ...) adds its change here in its own transaction, and NOTIFY
-- gatehouse_changes wakes the other nodes, which read the rows after the last they applied
-- (src/domain/change_tailer.cpp). A node that was away reads what it missed from here, not from
-- the channel. Rows older than an hour are purged.
CREATE TABLE changes (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  node_id    TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX changes_by_time ON changes(created_at);

-- A node asked for a token another node minted a moment ago (before the change reached it)
-- finds it by hash with one read.
CREATE INDEX sessions_by_token_hash ON sessions(token_hash);

-- Stream tickets that any node can redeem: issued on one node, a ticket is taken (deleted) by
-- whichever node the stream connects to, once.
CREATE TABLE stream_tickets (
  ticket_hash   BYTEA PRIMARY KEY CHECK (octet_length(ticket_hash) = 32),
  credential_id TEXT NOT NULL,
  expires_at    BIGINT NOT NULL
);
