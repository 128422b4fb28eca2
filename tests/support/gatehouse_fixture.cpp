#include "support/gatehouse_fixture.hpp"

#include "gatehouse/util/clock.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <sqlite3.h>

#include <stdexcept>

namespace gatehouse::testing {

namespace {
// RSA key generation takes tens of milliseconds: one key per test process is plenty.
auth::JwtSigner const& shared_signer() {
  static auth::JwtSigner const signer = auth::JwtSigner::generate();
  return signer;
}
}  // namespace

auth::JwtSigner const& GatehouseTest::other_signer() {
  static auth::JwtSigner const signer = auth::JwtSigner::generate();
  return signer;
}

GatehouseTest::GatehouseTest()
    : jwks_host_(std::make_unique<tools::StaticHttpServer>()), signer_(&shared_signer()) {
  jwks_host_->set(jwks_path, signer_->jwks_json());
}

GatehouseTest::~GatehouseTest() { stop_server(); }

void GatehouseTest::start(std::vector<std::string> extra_args) {
  stop_server();
  std::vector<std::string> args{"--db",      db_path().string(), "--jwks-url", jwks_host_->url(jwks_path),
                                "--issuer",  issuer,             "--authorized-parties", authorized_party,
                                "--threads", "2"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  last_args_ = args;
  server_ = std::make_unique<ServerProcess>(args, dir_.path());
}

void GatehouseTest::restart() {
  stop_server();
  server_ = std::make_unique<ServerProcess>(last_args_, dir_.path());
}

void GatehouseTest::stop_server() {
  if (!server_ || !server_->running()) return;
  server_->stop();
  // A sanitizer report the server made after the test's last request (at shutdown, say) fails
  // the test as surely as one that cut a request short.
  std::string const out = server_->output();
  for (char const* report : {"WARNING: ThreadSanitizer", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error:"}) {
    if (out.find(report) == std::string::npos) continue;
    ADD_FAILURE() << "the server's sanitizer reported:\n" << out;
    break;
  }
}

std::string GatehouseTest::mint_jwt(std::string const& sub, auth::ClerkTokenSpec spec) const {
  spec.sub = sub;
  if (!spec.iss) spec.iss = issuer;
  if (!spec.azp) spec.azp = authorized_party;
  return auth::mint_clerk_token(*signer_, spec, now_unix());
}

std::string GatehouseTest::user_session(std::string const& sub) {
  EXPECT_TRUE(wait_for_jwks_loaded()) << server().output();
  auto const res = http(port(), "POST", "/auth/session", {}, {{"Authorization", "Bearer " + mint_jwt(sub)}});
  EXPECT_EQ(res.status, 200) << res.body;
  return std::string(res.json().at("token").as_string());
}

std::string GatehouseTest::anonymous_session(std::string const& device_id) {
  auto const res = post(port(), "/auth/anonymous", R"({"device_id":")" + device_id + R"("})");
  EXPECT_EQ(res.status, 200) << res.body;
  return std::string(res.json().at("token").as_string());
}

std::string GatehouseTest::principal_of(std::string const& token) {
  auto const res = get(port(), "/auth/whoami", token);
  EXPECT_EQ(res.status, 200) << res.body;
  return std::string(res.json().at("principal_id").as_string());
}

bool GatehouseTest::wait_for_jwks_loaded(std::chrono::seconds timeout) {
  return server_->wait_for_output(R"("msg":"JWKS loaded")", timeout);
}

PromScrape GatehouseTest::scrape_metrics() {
  auto const res = get(port(), "/metrics");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  try {
    return parse_prometheus_text(res.body);
  } catch (std::exception const& e) {
    ADD_FAILURE() << e.what() << "\n" << res.body;
    return {};
  }
}

HttpResponse GatehouseTest::exchange(std::string const& authorization, Headers extra_headers) {
  extra_headers.emplace_back("Authorization", authorization);
  return http(port(), "POST", "/auth/session", {}, extra_headers);
}

std::string GatehouseTest::jwks_of(std::initializer_list<auth::JwtSigner const*> signers) {
  boost::json::array keys;
  for (auto const* s : signers) keys.push_back(s->jwk());
  return boost::json::serialize(boost::json::object{{"keys", std::move(keys)}});
}

void GatehouseTest::restart_jwks_host() {
  std::uint16_t const port = jwks_host_->port();
  jwks_host_->stop();
  jwks_host_ = std::make_unique<tools::StaticHttpServer>("127.0.0.1", port);
  jwks_host_->set(jwks_path, signer_->jwks_json());
}

namespace {

// One short-lived read-only connection per query: the test never holds a lock on the file.
template <typename Read>
auto query_db(std::filesystem::path const& path, std::string const& sql, std::vector<std::string> const& params,
              Read read) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string const message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string const message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("cannot prepare \"" + sql + "\": " + message);
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  int const rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    std::string const message = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    throw std::runtime_error("query \"" + sql + "\" failed: " + message);
  }
  auto result = read(rc == SQLITE_ROW ? stmt : nullptr);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

}  // namespace

std::optional<std::int64_t> GatehouseTest::file_int(std::filesystem::path const& file, std::string const& sql,
                                                    std::vector<std::string> const& params) {
  return query_db(file, sql, params, [](sqlite3_stmt* row) -> std::optional<std::int64_t> {
    if (!row || sqlite3_column_type(row, 0) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(row, 0);
  });
}

std::optional<std::string> GatehouseTest::file_text(std::filesystem::path const& file, std::string const& sql,
                                                    std::vector<std::string> const& params) {
  return query_db(file, sql, params, [](sqlite3_stmt* row) -> std::optional<std::string> {
    if (!row || sqlite3_column_type(row, 0) == SQLITE_NULL) return std::nullopt;
    auto const* text = reinterpret_cast<char const*>(sqlite3_column_text(row, 0));
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(row, 0)));
  });
}

std::optional<std::int64_t> GatehouseTest::db_int(std::string const& sql, std::vector<std::string> const& params) const {
  return file_int(db_path(), sql, params);
}

std::optional<std::string> GatehouseTest::db_text(std::string const& sql, std::vector<std::string> const& params) const {
  return file_text(db_path(), sql, params);
}

void GatehouseTest::db_exec(std::string const& sql) const {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + db_path().string());
  }
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  int const rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string const message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("\"" + sql + "\" failed: " + message);
}

std::string GatehouseTest::db_file_bytes() const {
  std::string const db = db_path().string();
  return read_file(db) + read_file(db + "-wal") + read_file(db + "-shm");
}

std::string GatehouseTest::db_hex(crypto::Sha256Digest const& digest) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

}  // namespace gatehouse::testing
