// GET /ready: ready only when a database write commits and the configured JWKS has loaded;
// otherwise 503 naming the part that is not ready. GET /health stays liveness only.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <sqlite3.h>

namespace gatehouse::testing {

class Readiness : public GatehouseTest {};

TEST_F(Readiness, ReadyWhenTheDatabaseTakesAWriteAndTheJwksHasLoaded) {
  start();
  ASSERT_TRUE(wait_for_jwks_loaded()) << server().output();
  auto const res = get(port(), "/ready");
  ASSERT_TRUE(IsJson(res));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"status":"ready","database":"ok","jwks":"loaded"})");
  // The probe is a committed write, not a read.
  EXPECT_EQ(db_int("SELECT count(*) FROM readiness_probe"), 1);
}

TEST_F(Readiness, NotReadyBeforeTheJwksHostServesThenReadyOnceItLoads) {
  jwks_host().stop();
  start();
  auto const res = get(port(), "/ready");
  ASSERT_TRUE(IsError(res, 503, "Not ready: JWKS not loaded"));
  auto const body = res.json().as_object();
  EXPECT_EQ(body.at("status"), "not ready");
  EXPECT_EQ(body.at("database"), "ok");
  EXPECT_EQ(body.at("jwks"), "not loaded");
  EXPECT_EQ(body.at("code"), "not_ready");
  EXPECT_EQ(get(port(), "/health").status, 200);  // alive all the same

  restart_jwks_host();
  ASSERT_TRUE(wait_for_jwks_loaded(std::chrono::seconds(20))) << server().output();
  auto const after = get(port(), "/ready");
  EXPECT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.json().at("jwks"), "loaded");
}

TEST_F(Readiness, WithoutAJwksUrlReadySaysNotConfigured) {
  ServerProcess server({"--db", db_path().string()}, dir().path());
  auto const res = get(server.port(), "/ready");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"status":"ready","database":"ok","jwks":"not configured"})");
}

TEST_F(Readiness, NotReadyWhileAnotherProcessHoldsTheDatabaseWriteLock) {
  start();
  ASSERT_TRUE(wait_for_jwks_loaded()) << server().output();
  ASSERT_EQ(get(port(), "/ready").status, 200);

  // Another writer on the same file (a stray sqlite3 shell, a backup tool gone wrong): reads
  // still work, but no write can commit until it lets go.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto const res = get(port(), "/ready");  // answers once the server's busy timeout (5 s) runs out
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  ASSERT_TRUE(IsError(res, 503, "Not ready: database unavailable"));
  EXPECT_EQ(res.json().at("database"), "unavailable");
  EXPECT_EQ(res.json().at("jwks"), "loaded");
  EXPECT_EQ(res.header("Retry-After"), "1");

  auto const after = get(port(), "/ready");
  EXPECT_EQ(after.status, 200) << after.body;
}

}  // namespace gatehouse::testing
