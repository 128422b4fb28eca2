#include "gatehouse/store/migrations.hpp"

#include <stdexcept>
#include <string>

namespace gatehouse::store {

namespace {

int migrate(Database& db, std::vector<Migration> const& migrations) {
  int current = db.schema_version();
  int const latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this gatehouse knows (" + std::to_string(latest) + ")");
  }
  for (auto const& m : migrations) {
    if (m.version <= current) continue;
    db.begin(true);
    try {
      db.exec(m.sql);
      db.set_schema_version(m.version);
      db.exec("COMMIT");
    } catch (std::exception const& e) {
      db.exec("ROLLBACK");
      throw std::runtime_error("migration " + std::string(m.name) + " failed: " + e.what());
    }
    current = m.version;
  }
  return current;
}

}  // namespace

int apply_migrations(Database& db, std::vector<Migration> const& migrations) {
  db.lock_for_migrations();
  try {
    int const version = migrate(db, migrations);
    db.unlock_after_migrations();
    return version;
  } catch (...) {
    db.unlock_after_migrations();
    throw;
  }
}

}  // namespace gatehouse::store
