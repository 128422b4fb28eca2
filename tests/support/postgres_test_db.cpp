#include "support/postgres_test_db.hpp"

#include "gatehouse/crypto/random.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace gatehouse::testing {

namespace {

std::optional<std::string> run_on(std::string const& uri, std::string const& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string const message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to " + uri + ": " + message);
  }
  PGresult* result = PQexec(conn, sql.c_str());
  auto const status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string const message = PQresultErrorMessage(result);
    PQclear(result);
    PQfinish(conn);
    throw std::runtime_error("\"" + sql + "\" failed: " + message);
  }
  std::optional<std::string> value;
  if (status == PGRES_TUPLES_OK && PQntuples(result) > 0 && !PQgetisnull(result, 0, 0)) {
    value = std::string(PQgetvalue(result, 0, 0), static_cast<std::size_t>(PQgetlength(result, 0, 0)));
  }
  PQclear(result);
  PQfinish(conn);
  return value;
}

}  // namespace

std::optional<std::string> postgres_test_server() {
  if (char const* uri = std::getenv("GATEHOUSE_TEST_POSTGRES"); uri && *uri) return std::string(uri);
  // The cluster ctest's postgres_start fixture started (tests/postgres/cluster).
  std::ifstream file(GATEHOUSE_TEST_POSTGRES_URI_FILE);
  std::string uri;
  if (std::getline(file, uri) && !uri.empty()) return uri;
  return std::nullopt;
}

bool running_under_ci() {
  char const* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

std::string with_database(std::string const& uri, std::string const& database) {
  // postgresql://user@host:port/dbname?params
  auto const scheme = uri.find("://");
  auto const slash = uri.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto const query = uri.find('?');
  std::string const base = slash == std::string::npos ? uri.substr(0, query) : uri.substr(0, slash);
  std::string const params = query == std::string::npos ? std::string() : uri.substr(query);
  return base + "/" + database + params;
}

PostgresTestDatabase::PostgresTestDatabase() {
  auto server = postgres_test_server();
  if (!server) throw std::runtime_error("GATEHOUSE_TEST_POSTGRES is not set");
  server_ = *server;
  name_ = crypto::random_id("gh_test_", 6);
  run_on(server_, "CREATE DATABASE " + name_);
  uri_ = with_database(server_, name_);
}

PostgresTestDatabase::~PostgresTestDatabase() {
  try {
    run_on(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (std::exception const&) {
    // The server went away (a fault test stopped it): nothing to drop on.
  }
}

std::optional<std::string> PostgresTestDatabase::query(std::string const& sql) const { return run_on(uri_, sql); }

}  // namespace gatehouse::testing
