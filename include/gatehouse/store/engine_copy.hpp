#pragma once
// Moving a deployment from SQLite to PostgreSQL (`gatehouse admin migrate-to-postgres`): every
// table that holds state, copied row by row into an empty PostgreSQL database with the same
// schema version, in one transaction (all of it arrives or none). What is not state is not
// copied: the readiness probe, the changes feed, unredeemed stream tickets.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse::store {

struct CopiedTable {
  std::string name;
  std::int64_t rows = 0;
};

// A refusal: the source's schema is not this binary's, or the target already holds data.
class CopyRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws CopyRefused, or DbError when either database cannot be used (unreachable, unreadable).
std::vector<CopiedTable> copy_sqlite_to_postgres(std::filesystem::path const& from, std::string const& to_uri);

}  // namespace gatehouse::store
