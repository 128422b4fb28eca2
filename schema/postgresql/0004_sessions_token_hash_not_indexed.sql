-- As schema/sqlite/0004: sessions are looked up by token hash in memory (and, on a miss, by a
-- node that has not yet heard of a session minted elsewhere: see 0005), so the unique index
-- only cost a write per new session. Tokens are 256 random bits.
ALTER TABLE sessions DROP CONSTRAINT sessions_token_hash_key;
