#pragma once
// Numbered schema migrations (schema/<engine>/NNNN_name.sql, embedded at build time), applied at
// start. Every migration exists for both engines under the same number. The database records
// the last applied number (SQLite: PRAGMA user_version; PostgreSQL: gatehouse_schema); each
// migration runs in its own transaction together with that bump, so a crash leaves the schema
// at a step. On PostgreSQL an advisory lock makes the first of several starting nodes migrate
// and the others wait.
#include "gatehouse/store/database.hpp"

#include <string_view>
#include <vector>

namespace gatehouse::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::vector<Migration> const& embedded_migrations(Engine engine);

// Returns the schema version after applying. Throws std::runtime_error when the database is
// newer than this binary knows (a downgrade) or a migration fails.
int apply_migrations(Database& db, std::vector<Migration> const& migrations);
inline int apply_migrations(Database& db) { return apply_migrations(db, embedded_migrations(db.engine())); }

}  // namespace gatehouse::store
