#pragma once
// One database connection, whichever engine holds the data: SQLite (a file; the default) or
// PostgreSQL (a libpq URI, for several nodes). The store's functions are written once against
// this interface: SQL with ?N placeholders (rewritten to $N for PostgreSQL), typed binding and
// reading, errors as a typed exception that says whether a retry may succeed. Where the two
// dialects differ, a statement names both (Database::dialect). Used only from the database
// thread.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;

namespace gatehouse::store {

enum class Engine { sqlite, postgresql };

std::string_view to_string(Engine engine);

class DbError : public std::runtime_error {
 public:
  // unavailable: the database is down, full, read-only, locked or shutting down, and the same
  // request may succeed later (503). Anything else is a bug or a broken schema (500).
  // lost_race: another transaction won a lock or a serialization check (PostgreSQL's deadlock
  // victim or serialization failure); the statement was rolled back and the same work may be
  // run again at once.
  DbError(bool unavailable, std::string const& what, bool lost_race = false)
      : std::runtime_error(what), unavailable_(unavailable), lost_race_(lost_race) {}
  bool unavailable() const { return unavailable_; }
  bool lost_race() const { return lost_race_; }

 private:
  bool unavailable_;
  bool lost_race_;
};

// Where the data is: a file path is SQLite; postgresql:// or postgres:// is a libpq URI.
struct DatabaseLocation {
  Engine engine = Engine::sqlite;
  std::filesystem::path file;  // SQLite
  std::string uri;             // PostgreSQL

  DatabaseLocation() = default;
  DatabaseLocation(std::filesystem::path path) : file(std::move(path)) {}  // NOLINT: a path is a location
  static DatabaseLocation parse(std::string_view text);
  // For logs: the file, or the URI with any password masked.
  std::string describe() const;
};

struct DatabaseOptions {
  std::chrono::milliseconds busy_timeout{5000};
  bool synchronous_full = true;  // SQLite: durable commits (one fsync per group commit)
  std::string application_name = "gatehouse";  // PostgreSQL: how the server lists the connection
  std::size_t connections = 2;  // PostgreSQL: connections (and database threads) per node; SQLite has one
};

// One engine's statement: bound, stepped, read, then reset for its next use.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_blob(int index, std::span<unsigned char const> bytes) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool next() = 0;  // steps (the first call runs it); true when a row is available
  virtual void reset() = 0;
  virtual bool is_null(int col) const = 0;
  virtual std::int64_t int64(int col) const = 0;
  virtual std::string text(int col) const = 0;
  virtual std::string blob(int col) const = 0;
};

// A cached statement in use. Bindings are cleared and the statement reset when it goes out of
// scope, so no read snapshot outlives its use.
class Query {
 public:
  explicit Query(Statement& statement) : s_(statement) {}
  Query(Query&&) = delete;
  ~Query() { s_.reset(); }

  Query& bind(int index, std::string_view text) { return s_.bind_text(index, text), *this; }
  Query& bind(int index, char const* text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, std::string const& text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, std::int64_t value) { return s_.bind_int64(index, value), *this; }
  Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Query& bind(int index, std::optional<std::string> const& text);
  Query& bind(int index, std::optional<std::int64_t> value);
  Query& bind_blob(int index, std::span<unsigned char const> bytes) { return s_.bind_blob(index, bytes), *this; }
  Query& bind_blob(int index, std::string_view bytes);

  template <typename... Args>
  Query& bind_all(Args const&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  bool next() { return s_.next(); }
  void run();  // steps to completion (INSERT/UPDATE/DELETE)

  bool is_null(int col) const { return s_.is_null(col); }
  std::int64_t int64(int col) const { return s_.int64(col); }
  std::string text(int col) const { return s_.text(col); }
  std::optional<std::string> opt_text(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  std::string blob(int col) const { return s_.blob(col); }

 private:
  Statement& s_;
};

class Database {
 public:
  virtual ~Database() = default;
  Database() = default;
  Database(Database const&) = delete;
  Database& operator=(Database const&) = delete;

  virtual Engine engine() const = 0;
  // One or more statements without parameters (migrations, transaction control).
  virtual void exec(std::string_view sql) = 0;
  // Prepared once per connection, cached by its text.
  virtual Query query(std::string_view sql) = 0;
  // Rows changed by the last statement.
  virtual int changes() const = 0;

  // Transaction control for the database thread: a write transaction takes the write lock at
  // once (SQLite's BEGIN IMMEDIATE); a read sees one snapshot throughout.
  virtual std::string_view begin_statement(bool write) const = 0;
  void begin(bool write) { exec(begin_statement(write)); }
  // The statement that wakes the listeners of a channel at commit ("" where there are none).
  virtual std::string notify_statement(std::string_view) const { return {}; }

  // The schema version recorded by the migrations (0 for an empty database), and its update
  // inside a migration's transaction.
  virtual int schema_version() = 0;
  virtual void set_schema_version(int version) = 0;
  // Held while migrations run, so that of several nodes starting at once only one migrates.
  virtual void lock_for_migrations() {}
  virtual void unlock_after_migrations() {}

  // A lost connection is reopened here before the next unit of work (PostgreSQL); false while
  // the database cannot be reached.
  virtual bool ensure_connected() { return true; }
  virtual bool connected() const { return true; }

  // Notifications between nodes (PostgreSQL's LISTEN/NOTIFY): subscribes this connection to a
  // channel, and waits up to `timeout` for a notification (true) or none (false). Throws DbError
  // when the connection is lost. Not supported on SQLite (throws).
  virtual void listen(std::string_view channel);
  virtual bool wait_for_notification(std::chrono::milliseconds timeout);

  // SQLite's handle, for what this interface does not cover (the online backup); null for
  // other engines.
  virtual sqlite3* sqlite_handle() const { return nullptr; }

  // The text for this engine, where SQLite's and PostgreSQL's spelling differ.
  std::string_view dialect(std::string_view sqlite, std::string_view postgresql) const {
    return engine() == Engine::sqlite ? sqlite : postgresql;
  }
};

// Opens the database (creating a SQLite file if needed). Throws DbError with a one-line reason.
std::unique_ptr<Database> open_database(DatabaseLocation const& location, DatabaseOptions const& options);

}  // namespace gatehouse::store
