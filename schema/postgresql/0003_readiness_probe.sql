-- As schema/sqlite/0003_readiness_probe.sql.
CREATE TABLE readiness_probe (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at BIGINT NOT NULL
);
