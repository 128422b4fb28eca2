#include "gatehouse/store/migrations.hpp"

#include "gatehouse/store/database.hpp"

#include <stdexcept>
#include <string>

namespace gatehouse::store {

int apply_migrations(Database& db, std::vector<Migration> const& migrations) {
  int current = static_cast<int>(db.pragma_int("user_version"));
  int const latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this gatehouse knows (" + std::to_string(latest) + ")");
  }
  for (auto const& m : migrations) {
    if (m.version <= current) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      db.exec("PRAGMA user_version = " + std::to_string(m.version));
      db.exec("COMMIT");
    } catch (std::exception const& e) {
      db.exec("ROLLBACK");
      throw std::runtime_error("migration " + std::string(m.name) + " failed: " + e.what());
    }
    current = m.version;
  }
  return current;
}

}  // namespace gatehouse::store
