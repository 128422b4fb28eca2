// GET /auth/bootstrap: everything a client needs at start, in the contract's exact shape.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include "gatehouse/util/clock.hpp"

#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <set>

namespace gatehouse::testing {

class Bootstrap : public GatehouseTest {
 protected:
  void SetUp() override { start(); }

  boost::json::value bootstrap(std::string const& token) {
    auto const res = get(port(), "/auth/bootstrap", token);
    EXPECT_EQ(res.status, 200) << res.body;
    EXPECT_TRUE(IsJson(res));
    return res.json();
  }

  static std::set<std::string> keys(boost::json::value const& v) {
    std::set<std::string> out;
    for (auto const& kv : v.as_object()) out.emplace(kv.key());
    return out;
  }
};

TEST_F(Bootstrap, UserPrincipalHasTheContractShape) {
  ASSERT_TRUE(wait_for_jwks_loaded());
  auth::ClerkTokenSpec spec;
  spec.email = "lin@example.com";
  spec.name = "Lin";
  auto const minted = exchange("Bearer " + mint_jwt("user_bootstrap", spec));
  ASSERT_EQ(minted.status, 200) << minted.body;
  std::string const token = str(minted.json(), "token");
  auto const body = bootstrap(token);

  EXPECT_EQ(keys(body), (std::set<std::string>{"principal", "subscription", "secrets", "session"})) << body;
  auto const& p = body.at("principal");
  EXPECT_EQ(keys(p), (std::set<std::string>{"id", "kind", "clerk_user_id", "device_id", "email", "name", "created_at"}));
  EXPECT_EQ(str(p, "id"), str(minted.json(), "principal_id"));
  EXPECT_EQ(str(p, "kind"), "user");
  EXPECT_EQ(str(p, "clerk_user_id"), "user_bootstrap");
  EXPECT_TRUE(p.at("device_id").is_null());
  EXPECT_EQ(str(p, "email"), "lin@example.com");
  EXPECT_EQ(str(p, "name"), "Lin");
  EXPECT_TRUE(is_rfc3339_utc(str(p, "created_at"))) << p;

  EXPECT_EQ(boost::json::serialize(body.at("subscription")), R"({"plan":"free","status":"active","current_period_end":null})");
  EXPECT_TRUE(body.at("secrets").as_object().empty());

  auto const& session = body.at("session");
  EXPECT_EQ(keys(session), (std::set<std::string>{"id", "expires_at", "expires_in"}));
  EXPECT_EQ(str(session, "id"), str(get(port(), "/auth/whoami", token).json(), "session_id"));
  EXPECT_TRUE(is_rfc3339_utc(str(session, "expires_at"))) << session;
  EXPECT_LE(num(session, "expires_in"), 1800);
  EXPECT_GE(num(session, "expires_in"), 1790);
}

TEST_F(Bootstrap, UserWithoutProfileClaimsHasNullEmailAndName) {
  auto const body = bootstrap(user_session("user_no_profile"));
  EXPECT_TRUE(body.at("principal").at("email").is_null());
  EXPECT_TRUE(body.at("principal").at("name").is_null());
}

TEST_F(Bootstrap, AnonymousPrincipalHasTheContractShape) {
  std::string const token = anonymous_session("bootstrap-device");
  auto const body = bootstrap(token);
  EXPECT_EQ(keys(body), (std::set<std::string>{"principal", "subscription", "secrets", "session"}));
  auto const& p = body.at("principal");
  EXPECT_EQ(keys(p), (std::set<std::string>{"id", "kind", "clerk_user_id", "device_id", "email", "name", "created_at"}));
  EXPECT_EQ(str(p, "id"), principal_of(token));
  EXPECT_EQ(str(p, "kind"), "anonymous");
  EXPECT_TRUE(p.at("clerk_user_id").is_null());
  EXPECT_EQ(str(p, "device_id"), "bootstrap-device");
  EXPECT_TRUE(p.at("email").is_null());
  EXPECT_TRUE(p.at("name").is_null());
  EXPECT_TRUE(is_rfc3339_utc(str(p, "created_at")));
  EXPECT_EQ(boost::json::serialize(body.at("subscription")), R"({"plan":"free","status":"active","current_period_end":null})");
  EXPECT_TRUE(body.at("secrets").as_object().empty());
  EXPECT_EQ(str(body.at("session"), "id"), str(get(port(), "/auth/whoami", token).json(), "session_id"));
}

TEST_F(Bootstrap, SessionExpiresAtAgreesWithExpiresIn) {
  std::string const token = anonymous_session("expiry-device");
  auto const body = bootstrap(token);
  auto const& session = body.at("session");
  auto const expires_in = num(session, "expires_in");
  std::string const expires_at = str(session, "expires_at");
  UnixSeconds const now = now_unix();
  // The server computed expires_in a moment ago: at most a second of drift.
  EXPECT_LE(std::abs(parse_rfc3339(expires_at) - (now + expires_in)), 1) << expires_at << " vs " << expires_in;
}

TEST_F(Bootstrap, SecretsMapListsEveryStoredName) {
  std::string const token = anonymous_session("many-secrets");
  for (std::string const name : {"openai", "github", "slack"}) {
    ASSERT_EQ(put(port(), "/secrets/" + name, R"({"value":"v"})", token).status, 204);
  }
  auto const secrets = bootstrap(token).at("secrets");
  EXPECT_EQ(keys(secrets), (std::set<std::string>{"github", "openai", "slack"}));
  for (auto const& kv : secrets.as_object()) {
    EXPECT_EQ(keys(kv.value()), (std::set<std::string>{"connected", "updated_at"}));
    EXPECT_EQ(kv.value().at("connected"), true);
  }
}

TEST_F(Bootstrap, RequiresASessionToken) {
  EXPECT_TRUE(IsError(get(port(), "/auth/bootstrap"), 401, "Missing Bearer token"));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/bootstrap", mint_jwt("user_jwt_at_bootstrap"))));
}

}  // namespace gatehouse::testing
