#pragma once
// The PostgreSQL engine, on Debian's libpq: one connection, driven from the database thread
// like SQLite's. Statements are prepared once per connection with typed parameters (text,
// bigint, bytea in binary) and run with PQexecPrepared, one round trip each; results are read in
// text format. A lost connection is
// reopened (with backoff) before the next unit of work; meanwhile every unit of work fails as
// unavailable (503).
#include "gatehouse/store/database.hpp"

#include <chrono>
#include <string>
#include <unordered_map>

struct pg_conn;
struct pg_result;

namespace gatehouse::store {

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string uri, DatabaseOptions const& options);
  ~PostgresDatabase() override;

  Engine engine() const override { return Engine::postgresql; }
  void exec(std::string_view sql) override;
  Query query(std::string_view sql) override;
  int changes() const override { return changes_; }
  std::string_view begin_statement(bool write) const override;
  std::string notify_statement(std::string_view channel) const override { return "NOTIFY " + std::string(channel); }
  int schema_version() override;
  void set_schema_version(int version) override;
  void lock_for_migrations() override;
  void unlock_after_migrations() override;
  bool ensure_connected() override;
  bool connected() const override;
  void listen(std::string_view channel) override;
  bool wait_for_notification(std::chrono::milliseconds timeout) override;

  // Prepares a named statement on this connection, then runs it with parameters; the caller owns
  // the result (PQclear). `sql` only names the statement in errors. Throw DbError.
  void prepare(std::string const& name, std::string const& sql, int count, unsigned const* types);
  pg_result* run_prepared(std::string const& name, std::string const& sql, int count, char const* const* values,
                          int const* lengths, int const* formats);

 private:
  class PgStatement;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void connect();
  [[noreturn]] void fail(pg_result* result, std::string_view context);

  std::string uri_;
  std::string application_name_;
  pg_conn* conn_ = nullptr;
  std::uint64_t connection_generation_ = 0;  // counts connections made, so statements know to prepare again
  int changes_ = 0;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{100};
  std::unordered_map<std::string, std::unique_ptr<PgStatement>, Hash, std::equal_to<>> statements_;
};

// "?1 ... ?12" as "$1 ... $12", outside quoted strings and identifiers.
std::string postgres_placeholders(std::string_view sql);

// Whether a SQLSTATE means the request may succeed later (connection lost, server shutting
// down, out of disk, a deadlock or serialization failure, a read-only standby).
bool postgres_state_is_unavailable(std::string_view sqlstate);

}  // namespace gatehouse::store
