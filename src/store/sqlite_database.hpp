#pragma once
// The SQLite engine: one connection to a file in WAL mode, statements prepared once and cached.
#include "gatehouse/store/database.hpp"

#include <string>
#include <unordered_map>

struct sqlite3_stmt;

namespace gatehouse::store {

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::filesystem::path const& path, DatabaseOptions const& options);
  ~SqliteDatabase() override;

  Engine engine() const override { return Engine::sqlite; }
  void exec(std::string_view sql) override;
  Query query(std::string_view sql) override;
  int changes() const override;
  std::string_view begin_statement(bool write) const override { return write ? "BEGIN IMMEDIATE" : "BEGIN"; }
  int schema_version() override;
  void set_schema_version(int version) override;
  sqlite3* sqlite_handle() const override { return db_; }

  [[noreturn]] void throw_error(int code, std::string_view context) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  class SqliteStatement;

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>, Hash, std::equal_to<>> statements_;
};

// Disk full, read-only, I/O error, locked, busy: the request may succeed later.
bool sqlite_error_is_unavailable(int code);

}  // namespace gatehouse::store
