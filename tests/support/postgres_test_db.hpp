#pragma once
// A throwaway PostgreSQL database for one test, on the server named by GATEHOUSE_TEST_POSTGRES
// (a libpq URI with rights to create databases, e.g. postgresql://gatehouse@127.0.0.1:55432/postgres)
// or else on the cluster ctest's postgres_start fixture started (tests/postgres/cluster).
// Created empty with a random name, dropped at the end.
#include <optional>
#include <string>

namespace gatehouse::testing {

// The server's URI, or nullopt when there is none.
std::optional<std::string> postgres_test_server();

// Skips the calling test (GTEST_SKIP) when there is no test server, except under CI (CI=true),
// where the missing server fails the test instead: CI must run the PostgreSQL tests.
#define GATEHOUSE_REQUIRE_POSTGRES()                                                                  \
  do {                                                                                                \
    if (!::gatehouse::testing::postgres_test_server()) {                                              \
      if (::gatehouse::testing::running_under_ci()) FAIL() << "no PostgreSQL test server";            \
      GTEST_SKIP() << "no PostgreSQL test server (see docs/development.md)";                          \
    }                                                                                                 \
  } while (false)

bool running_under_ci();

class PostgresTestDatabase {
 public:
  PostgresTestDatabase();  // throws std::runtime_error without a test server
  ~PostgresTestDatabase();
  PostgresTestDatabase(PostgresTestDatabase const&) = delete;
  PostgresTestDatabase& operator=(PostgresTestDatabase const&) = delete;

  std::string const& uri() const { return uri_; }
  std::string const& name() const { return name_; }

  // Runs SQL on the test database through a connection of the test's own; the first column of
  // the first row (nullopt without a row or for NULL). Throws on an error.
  std::optional<std::string> query(std::string const& sql) const;

 private:
  std::string server_;
  std::string name_;
  std::string uri_;
};

// The URI with its database name replaced.
std::string with_database(std::string const& uri, std::string const& database);

}  // namespace gatehouse::testing
