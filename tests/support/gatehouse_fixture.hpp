#pragma once
// The end-to-end fixture: a temporary data directory, a JWKS host served over real HTTP by the
// test (a StaticHttpServer on loopback), a development signing key, and the real gatehouse
// binary started against them. Helpers mint Clerk-shaped JWTs and sessions.
#include "support/http_client.hpp"
#include "support/prometheus_text.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/crypto/sha256.hpp"
#include "static_http/static_http_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::testing {

class GatehouseTest : public ::testing::Test {
 protected:
  static constexpr char const* jwks_path = "/.well-known/jwks.json";
  static constexpr char const* issuer = "https://clerk.test.gatehouse";
  static constexpr char const* authorized_party = "https://app.test.gatehouse";

  GatehouseTest();
  ~GatehouseTest() override;

  // Starts gatehouse with --db, --jwks-url (the test's JWKS host), --issuer and
  // --authorized-parties set, plus extra_args. Stops a running one first.
  void start(std::vector<std::string> extra_args = {});
  // Same arguments as the last start(), same database: a restart.
  void restart();
  void stop_server();

  std::uint16_t port() const { return server_->port(); }
  ServerProcess& server() { return *server_; }
  std::filesystem::path db_path() const { return dir_ / "gatehouse.db"; }
  TempDir const& dir() const { return dir_; }
  tools::StaticHttpServer& jwks_host() { return *jwks_host_; }
  auth::JwtSigner const& signer() const { return *signer_; }

  // A Clerk-shaped JWT from the test's key (iss and azp as configured, 5 minutes).
  std::string mint_jwt(std::string const& sub, auth::ClerkTokenSpec spec = {}) const;
  // POST /auth/session with a fresh JWT; returns the session token (asserts 200).
  std::string user_session(std::string const& sub);
  // POST /auth/anonymous; returns the session token (asserts 200).
  std::string anonymous_session(std::string const& device_id);
  // The principal id of a session token (GET /auth/whoami).
  std::string principal_of(std::string const& token);

  // A second signing key that shares the process-wide cache; for rotation tests.
  static auth::JwtSigner const& other_signer();

  // Waits until the server has logged its first JWKS load (the load runs in the background,
  // so the first JWT exchange after start() could otherwise race it). False on timeout.
  bool wait_for_jwks_loaded(std::chrono::seconds timeout = std::chrono::seconds(15));

  // GET /metrics, parsed under a strict reading of the text format (a test failure when it
  // does not parse or is not served as the format's content type).
  PromScrape scrape_metrics();

  // POST /auth/session with the given Authorization header value (no assertions).
  HttpResponse exchange(std::string const& authorization, Headers extra_headers = {});

  // {"keys":[...]} holding the public keys of the given signers.
  static std::string jwks_of(std::initializer_list<auth::JwtSigner const*> signers);

  // Replaces the JWKS host (after jwks_host().stop(), say) with a new one on the same port,
  // serving the test key: the JWKS host "comes back up".
  void restart_jwks_host();

  // Read-only queries on the server's SQLite file, through a connection of the test's own.
  // The first column of the first row as an integer; nullopt when there is no row.
  std::optional<std::int64_t> db_int(std::string const& sql, std::vector<std::string> const& params = {}) const;
  std::optional<std::string> db_text(std::string const& sql, std::vector<std::string> const& params = {}) const;
  // The same on another SQLite file (a backup, say).
  static std::optional<std::int64_t> file_int(std::filesystem::path const& file, std::string const& sql,
                                              std::vector<std::string> const& params = {});
  static std::optional<std::string> file_text(std::filesystem::path const& file, std::string const& sql,
                                              std::vector<std::string> const& params = {});
  // A statement run on the server's SQLite file through a connection of the test's own, while
  // the server runs (to break the schema under it, say). Throws when it fails.
  void db_exec(std::string const& sql) const;
  // A stored SHA-256 as SQLite's hex() spells it, for "WHERE hex(column) = ?1".
  static std::string db_hex(crypto::Sha256Digest const& digest);
  // The raw bytes of the database file and its WAL (and shared-memory index), concatenated.
  std::string db_file_bytes() const;

 private:
  TempDir dir_;
  std::unique_ptr<tools::StaticHttpServer> jwks_host_;
  auth::JwtSigner const* signer_;
  std::unique_ptr<ServerProcess> server_;
  std::vector<std::string> last_args_;
};

}  // namespace gatehouse::testing
