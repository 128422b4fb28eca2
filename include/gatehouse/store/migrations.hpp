#pragma once
// Numbered schema migrations (schema/NNNN_name.sql, embedded at build time), applied at start.
// PRAGMA user_version records the last applied number; each migration runs in its own
// transaction together with the user_version bump, so a crash leaves the schema at a step.
#include <string_view>
#include <vector>

namespace gatehouse::store {

class Database;

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::vector<Migration> const& embedded_migrations();

// Returns the schema version after applying. Throws std::runtime_error when the database is
// newer than this binary knows (a downgrade) or a migration fails.
int apply_migrations(Database& db, std::vector<Migration> const& migrations = embedded_migrations());

}  // namespace gatehouse::store
