#pragma once
// A thin RAII layer over one SQLite connection: cached prepared statements, typed binding and
// reading, and errors as a typed exception. Used only from the database thread.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace gatehouse::store {

class DbError : public std::runtime_error {
 public:
  DbError(int code, std::string const& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  // Disk full, read-only, I/O error, locked: the request may succeed later. Anything else is a bug.
  bool unavailable() const;

 private:
  int code_;
};

class Database;

// A cached statement in use. Bindings are cleared and the statement reset when it goes out of
// scope, so no read snapshot outlives its use.
class Query {
 public:
  Query(Query&&) = delete;
  ~Query();

  Query& bind(int index, std::string_view text);
  Query& bind(int index, char const* text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, std::string const& text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, std::int64_t value);
  Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Query& bind(int index, std::optional<std::string> const& text);
  Query& bind(int index, std::optional<std::int64_t> value);
  Query& bind_blob(int index, std::span<unsigned char const> bytes);
  Query& bind_blob(int index, std::string_view bytes);

  template <typename... Args>
  Query& bind_all(Args const&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  bool next();  // steps; true when a row is available
  void run();   // steps to completion (INSERT/UPDATE/DELETE)

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  std::string blob(int col) const;

 private:
  friend class Database;
  Query(Database& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Database& db_;
  sqlite3_stmt* stmt_;
};

struct DatabaseOptions {
  std::chrono::milliseconds busy_timeout{5000};
  bool synchronous_full = true;  // durable commits (one fsync per group commit)
};

struct TransparentStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class Database {
 public:
  Database(std::filesystem::path const& path, DatabaseOptions const& options);
  ~Database();
  Database(Database const&) = delete;
  Database& operator=(Database const&) = delete;

  void exec(std::string_view sql);
  Query query(std::string_view sql);  // prepared once, cached by its text
  int changes() const;
  std::int64_t pragma_int(std::string_view pragma);
  // For what the wrapper does not cover (the online backup API); database thread only.
  sqlite3* native_handle() const { return db_; }

  [[noreturn]] void throw_error(int code, std::string_view context) const;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, TransparentStringHash, std::equal_to<>> statements_;
};

}  // namespace gatehouse::store
