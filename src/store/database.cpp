#include "gatehouse/store/database.hpp"

#include <sqlite3.h>

namespace gatehouse::store {

bool DbError::unavailable() const {
  switch (code_ & 0xff) {
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

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.throw_error(rc, "bind");
  return *this;
}

Query& Query::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.throw_error(rc, "bind");
  return *this;
}

Query& Query::bind(int index, std::optional<std::string> const& text) {
  if (text) return bind(index, std::string_view(*text));
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.throw_error(rc, "bind");
  return *this;
}

Query& Query::bind(int index, std::optional<std::int64_t> value) {
  if (value) return bind(index, *value);
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.throw_error(rc, "bind");
  return *this;
}

Query& Query::bind_blob(int index, std::span<unsigned char const> bytes) {
  int rc = sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.throw_error(rc, "bind");
  return *this;
}

Query& Query::bind_blob(int index, std::string_view bytes) {
  return bind_blob(index, std::span(reinterpret_cast<unsigned char const*>(bytes.data()), bytes.size()));
}

bool Query::next() {
  int const rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.throw_error(rc, sqlite3_sql(stmt_));
}

void Query::run() {
  while (next()) {
  }
}

bool Query::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::int64_t Query::int64(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Query::text(int col) const {
  auto const* p = reinterpret_cast<char const*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::optional<std::string> Query::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<std::int64_t> Query::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

std::string Query::blob(int col) const {
  auto const* p = static_cast<char const*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

Database::Database(std::filesystem::path const& path, DatabaseOptions const& options) {
  int const rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string const message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(rc, "cannot open database " + path.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
  exec("PRAGMA foreign_keys = ON");
  // journal_mode answers with a row; WAL lets readers (backups, admin) run beside the writer.
  if (query("PRAGMA journal_mode = WAL").next() == false) throw_error(SQLITE_ERROR, "journal_mode");
  exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
}

Database::~Database() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
  std::string const text(sql);
  char* error = nullptr;
  int const rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw DbError(sqlite3_extended_errcode(db_), message + " (in: " + text.substr(0, 80) + ")");
  }
}

Query Database::query(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int const rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &stmt, nullptr);
    if (rc != SQLITE_OK) throw_error(rc, sql);
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return Query(*this, it->second);
}

int Database::changes() const { return sqlite3_changes(db_); }

std::int64_t Database::pragma_int(std::string_view pragma) {
  auto q = query(std::string("PRAGMA ") + std::string(pragma));
  return q.next() ? q.int64(0) : 0;
}

void Database::throw_error(int code, std::string_view context) const {
  int const extended = db_ ? sqlite3_extended_errcode(db_) : code;
  std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  throw DbError(extended ? extended : code, message + " (in: " + std::string(context.substr(0, 80)) + ")");
}

}  // namespace gatehouse::store
