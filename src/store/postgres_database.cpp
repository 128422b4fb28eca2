#include "store/postgres_database.hpp"

#include "gatehouse/util/log.hpp"

#include <libpq-fe.h>

#include <poll.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace gatehouse::store {

namespace {

// From PostgreSQL's catalog/pg_type.dat (stable OIDs; the server headers are not in libpq-dev).
constexpr Oid int8_oid = 20;
constexpr Oid text_oid = 25;
constexpr Oid bytea_oid = 17;

// Any number, to name the one advisory lock gatehouse's migrations take ("gh" in ASCII).
constexpr std::int64_t migration_lock = 0x6768'0001;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void ignore_notice(void*, char const*) {}

}  // namespace

std::string postgres_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char const c = sql[i];
    if (quote) {
      out.push_back(c);
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out.push_back('$');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool postgres_state_is_unavailable(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return true;  // no state: the connection itself failed
  if (sqlstate.starts_with("08")) return true;  // connection exception
  if (sqlstate.starts_with("53")) return true;  // insufficient resources (disk full, out of memory)
  if (sqlstate.starts_with("57P")) return true;  // admin shutdown, crash shutdown, cannot connect now
  return sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "25006";
}

class PostgresDatabase::PgStatement final : public Statement {
 public:
  PgStatement(PostgresDatabase& db, std::string sql, std::string name)
      : db_(db), sql_(std::move(sql)), name_(std::move(name)) {}
  ~PgStatement() override { clear(); }

  void bind_text(int index, std::string_view text) override { set(index, std::string(text), text_oid, 0); }
  void bind_int64(int index, std::int64_t value) override { set(index, std::to_string(value), int8_oid, 0); }
  void bind_blob(int index, std::span<unsigned char const> bytes) override {
    set(index, std::string(reinterpret_cast<char const*>(bytes.data()), bytes.size()), bytea_oid, 1);
  }
  void bind_null(int index) override {
    slot(index);
    null_[index - 1] = true;
    types_[index - 1] = 0;  // the server infers it
  }

  bool next() override {
    if (!result_) {
      std::vector<char const*> values(values_.size());
      std::vector<int> lengths(values_.size());
      for (std::size_t i = 0; i < values_.size(); ++i) {
        values[i] = null_[i] ? nullptr : values_[i].data();
        lengths[i] = static_cast<int>(values_[i].size());
      }
      int const count = static_cast<int>(values_.size());
      // Prepared once per connection (a new connection has none): the server parses and plans
      // the statement once instead of on every execution, most of its CPU for these statements.
      if (prepared_on_ != db_.connection_generation_) {
        db_.prepare(name_, sql_, count, types_.data());
        prepared_on_ = db_.connection_generation_;
      }
      result_ = db_.run_prepared(name_, sql_, count, values.data(), lengths.data(), formats_.data());
      row_ = -1;
      rows_ = PQntuples(result_);
    }
    return ++row_ < rows_;
  }

  void reset() override {
    clear();
    values_.clear();
    null_.clear();
    types_.clear();
    formats_.clear();
  }

  bool is_null(int col) const override { return PQgetisnull(result_, row_, col) != 0; }
  std::int64_t int64(int col) const override {
    char const* p = PQgetvalue(result_, row_, col);
    std::int64_t value = 0;
    std::from_chars(p, p + PQgetlength(result_, row_, col), value);
    return value;
  }
  std::string text(int col) const override {
    return std::string(PQgetvalue(result_, row_, col), static_cast<std::size_t>(PQgetlength(result_, row_, col)));
  }
  // bytea in text form: "\x" and two hex digits a byte.
  std::string blob(int col) const override {
    std::string_view const hex(PQgetvalue(result_, row_, col), static_cast<std::size_t>(PQgetlength(result_, row_, col)));
    std::string out;
    if (!hex.starts_with("\\x")) return out;
    out.reserve((hex.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < hex.size(); i += 2) {
      out.push_back(static_cast<char>(hex_value(hex[i]) * 16 + hex_value(hex[i + 1])));
    }
    return out;
  }

 private:
  void slot(int index) {
    auto const n = static_cast<std::size_t>(index);
    if (values_.size() < n) {
      values_.resize(n);
      null_.resize(n, false);
      types_.resize(n, 0);
      formats_.resize(n, 0);
    }
  }
  void set(int index, std::string value, Oid type, int format) {
    slot(index);
    values_[index - 1] = std::move(value);
    null_[index - 1] = false;
    types_[index - 1] = type;
    formats_[index - 1] = format;
  }
  void clear() {
    if (result_) PQclear(result_);
    result_ = nullptr;
  }

  PostgresDatabase& db_;
  std::string sql_;
  std::string name_;
  std::uint64_t prepared_on_ = 0;  // the connection_generation_ it was prepared on; 0: not yet
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<unsigned> types_;
  std::vector<int> formats_;
  PGresult* result_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
};

PostgresDatabase::PostgresDatabase(std::string uri, DatabaseOptions const& options)
    : uri_(std::move(uri)), application_name_(options.application_name) {
  connect();
}

PostgresDatabase::~PostgresDatabase() {
  statements_.clear();
  if (conn_) PQfinish(conn_);
}

void PostgresDatabase::connect() {
  if (conn_) PQfinish(conn_);
  conn_ = PQconnectdb(uri_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string const message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    throw DbError(true, "cannot connect to PostgreSQL: " + message.substr(0, message.find('\n')));
  }
  ++connection_generation_;  // prepared statements belong to the connection they were made on
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  // Quoted as a literal (doubled quotes): the name carries the node id.
  std::string quoted;
  for (char c : application_name_) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  exec("SET application_name = '" + quoted + "'");
}

bool PostgresDatabase::ensure_connected() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return true;
  auto const now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return false;
  try {
    connect();
    backoff_ = std::chrono::milliseconds(100);
    log::info("database connection restored");
    return true;
  } catch (DbError const& e) {
    next_attempt_ = now + backoff_;
    backoff_ = std::min<std::chrono::milliseconds>(backoff_ * 2, std::chrono::seconds(5));
    log::warn("database unreachable", {{"error", e.what()}, {"retry_in_ms", static_cast<std::int64_t>(backoff_.count())}});
    return false;
  }
}

bool PostgresDatabase::connected() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

void PostgresDatabase::listen(std::string_view channel) { exec("LISTEN " + std::string(channel)); }

bool PostgresDatabase::wait_for_notification(std::chrono::milliseconds timeout) {
  auto drain = [this] {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  };
  if (drain()) return true;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) throw DbError(true, "connection to PostgreSQL lost");
  int const ready = ::poll(&fd, 1, static_cast<int>(timeout.count()));
  if (ready < 0) return false;  // interrupted: the caller waits again
  if (ready == 0) return false;
  if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    if (auto const nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
    throw DbError(true, "connection to PostgreSQL lost: " + message);
  }
  return drain();
}

void PostgresDatabase::fail(PGresult* result, std::string_view context) {
  char const* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  if (message.empty()) message = PQerrorMessage(conn_);
  if (auto const nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  std::string_view const sqlstate = state ? state : "";
  bool const unavailable = PQstatus(conn_) != CONNECTION_OK || postgres_state_is_unavailable(sqlstate);
  bool const lost_race = sqlstate == "40P01" || sqlstate == "40001";  // deadlock victim, serialization failure
  std::string what = message + " (in: " + std::string(context.substr(0, 80)) + ")";
  if (result) PQclear(result);  // frees `state`
  throw DbError(unavailable, what, lost_race);
}

void PostgresDatabase::exec(std::string_view sql) {
  std::string const text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  auto const status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result, text);
  PQclear(result);
}

void PostgresDatabase::prepare(std::string const& name, std::string const& sql, int count, unsigned const* types) {
  PGresult* result = PQprepare(conn_, name.c_str(), sql.c_str(), count, types);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) fail(result, sql);
  PQclear(result);
}

PGresult* PostgresDatabase::run_prepared(std::string const& name, std::string const& sql, int count,
                                         char const* const* values, int const* lengths, int const* formats) {
  PGresult* result = PQexecPrepared(conn_, name.c_str(), count, values, lengths, formats, 0);
  auto const status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result, sql);
  char const* tuples = PQcmdTuples(result);
  changes_ = tuples && *tuples ? std::atoi(tuples) : 0;
  return result;
}

Query PostgresDatabase::query(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::string name = "gh" + std::to_string(statements_.size() + 1);
    it = statements_
             .emplace(std::string(sql),
                      std::make_unique<PgStatement>(*this, postgres_placeholders(sql), std::move(name)))
             .first;
  }
  return Query(*it->second);
}

std::string_view PostgresDatabase::begin_statement(bool write) const {
  // Reads see one snapshot; writes take row locks as they go (READ COMMITTED), which is what
  // the store's statements are written for (UPDATE ... RETURNING to serialise on a row).
  return write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
}

int PostgresDatabase::schema_version() {
  exec("CREATE TABLE IF NOT EXISTS gatehouse_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
  auto q = query("SELECT version FROM gatehouse_schema WHERE id = 1");
  return q.next() ? static_cast<int>(q.int64(0)) : 0;
}

void PostgresDatabase::set_schema_version(int version) {
  query("INSERT INTO gatehouse_schema (id, version) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET version = excluded.version")
      .bind(1, static_cast<std::int64_t>(version))
      .run();
}

void PostgresDatabase::lock_for_migrations() { exec("SELECT pg_advisory_lock(" + std::to_string(migration_lock) + ")"); }

void PostgresDatabase::unlock_after_migrations() {
  exec("SELECT pg_advisory_unlock(" + std::to_string(migration_lock) + ")");
}

}  // namespace gatehouse::store
