#include "store/sqlite_database.hpp"

#include <sqlite3.h>

namespace gatehouse::store {

bool sqlite_error_is_unavailable(int code) {
  switch (code & 0xff) {
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
      return true;
    default:
      return false;
  }
}

class SqliteDatabase::SqliteStatement final : public Statement {
 public:
  SqliteStatement(SqliteDatabase& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_text(int index, std::string_view text) override {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
  }
  void bind_int64(int index, std::int64_t value) override { check(sqlite3_bind_int64(stmt_, index, value)); }
  void bind_blob(int index, std::span<unsigned char const> bytes) override {
    check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
  }
  void bind_null(int index) override { check(sqlite3_bind_null(stmt_, index)); }

  bool next() override {
    int const rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.throw_error(rc, sqlite3_sql(stmt_));
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  bool is_null(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t int64(int col) const override { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) const override {
    auto const* p = reinterpret_cast<char const*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::string blob(int col) const override {
    auto const* p = static_cast<char const*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) db_.throw_error(rc, "bind");
  }
  SqliteDatabase& db_;
  sqlite3_stmt* stmt_;
};

SqliteDatabase::SqliteDatabase(std::filesystem::path const& path, DatabaseOptions const& options) {
  int const rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string const message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(sqlite_error_is_unavailable(rc), "cannot open database " + path.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
  exec("PRAGMA foreign_keys = ON");
  // journal_mode answers with a row; WAL lets readers (backups, admin) run beside the writer.
  if (query("PRAGMA journal_mode = WAL").next() == false) throw_error(SQLITE_ERROR, "journal_mode");
  exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
}

SqliteDatabase::~SqliteDatabase() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

void SqliteDatabase::exec(std::string_view sql) {
  std::string const text(sql);
  char* error = nullptr;
  int const rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    int const code = sqlite3_extended_errcode(db_);
    throw DbError(sqlite_error_is_unavailable(code), message + " (in: " + text.substr(0, 80) + ")");
  }
}

Query SqliteDatabase::query(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int const rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &stmt, nullptr);
    if (rc != SQLITE_OK) throw_error(rc, sql);
    it = statements_.emplace(std::string(sql), std::make_unique<SqliteStatement>(*this, stmt)).first;
  }
  return Query(*it->second);
}

int SqliteDatabase::changes() const { return sqlite3_changes(db_); }

int SqliteDatabase::schema_version() {
  auto q = query("PRAGMA user_version");
  return q.next() ? static_cast<int>(q.int64(0)) : 0;
}

void SqliteDatabase::set_schema_version(int version) { exec("PRAGMA user_version = " + std::to_string(version)); }

void SqliteDatabase::throw_error(int code, std::string_view context) const {
  int const extended = db_ ? sqlite3_extended_errcode(db_) : code;
  std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  throw DbError(sqlite_error_is_unavailable(extended ? extended : code),
                message + " (in: " + std::string(context.substr(0, 80)) + ")");
}

}  // namespace gatehouse::store
