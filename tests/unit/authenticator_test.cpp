// Session-token authentication: each way a presented credential can fail has its own code and
// the contract's reason; and the Authorization header parsing in front of it.
#include "gatehouse/auth/authenticator.hpp"
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/errors.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using gatehouse::ErrorCode;
using gatehouse::Failure;
using gatehouse::auth::Authenticator;
using gatehouse::auth::bearer_token;
using gatehouse::auth::Caller;
using gatehouse::auth::PresentedCredentials;
using gatehouse::auth::JwtPolicy;
using gatehouse::auth::mint_opaque_token;
using gatehouse::auth::OpaqueToken;
using gatehouse::auth::session_token_prefix;
using gatehouse::auth::SessionRegistry;
using gatehouse::store::SessionRecord;

class SessionAuthentication : public ::testing::Test {
 protected:
  std::string add(std::string const& id, std::int64_t expires_at, std::optional<std::int64_t> revoked_at = {}) {
    OpaqueToken token = mint_opaque_token(session_token_prefix);
    SessionRecord r;
    r.id = id;
    r.token_hash = token.hash;
    r.principal_id = "p1";
    r.created_at = 0;
    r.expires_at = expires_at;
    r.revoked_at = revoked_at;
    registry.add(r);
    return token.text;
  }

  // The caller of "Authorization: Bearer <token>" (no header for nullopt).
  Caller authenticate(std::optional<std::string_view> token, std::int64_t now) {
    std::string const header = token ? "Bearer " + std::string(*token) : std::string();
    PresentedCredentials presented;
    presented.authorization = header;
    return auth.authenticate(auth.extract(presented), now);
  }

  // The failure the authenticator throws for the token, or nullopt if it accepted it.
  std::optional<Failure> failure_of(std::optional<std::string_view> token, std::int64_t now = 100) {
    try {
      authenticate(token, now);
    } catch (Failure const& f) {
      return f;
    }
    return std::nullopt;
  }

  gatehouse::testing::StoreFixtureDb db;
  SessionRegistry registry;
  gatehouse::auth::ApiKeyRegistry keys;
  gatehouse::auth::ApiKeyUsage key_usage{db.db()};
  gatehouse::auth::StreamTickets tickets;
  Authenticator auth{{registry, keys, key_usage, tickets, nullptr}, {"gk_", JwtPolicy{}}};
};

TEST_F(SessionAuthentication, ALiveSessionTokenIsAccepted) {
  std::string const token = add("s1", 1000);
  auto session = authenticate(token, 999).session;
  ASSERT_TRUE(session);
  EXPECT_EQ(session->id, "s1");
  EXPECT_EQ(session->principal_id, "p1");
}

TEST_F(SessionAuthentication, NoTokenIsAMissingBearerToken) {
  auto f = failure_of(std::nullopt);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code(), ErrorCode::missing_bearer_token);
}

TEST_F(SessionAuthentication, AMalformedTokenIsInvalid) {
  std::vector<std::string> const malformed = {"garbage", "gs_short", "gt_" + std::string(43, 'A'),
                                              "gs_" + std::string(42, 'A') + "!"};
  for (auto const& bad : malformed) {
    auto f = failure_of(bad);
    ASSERT_TRUE(f) << bad;
    EXPECT_EQ(f->code(), ErrorCode::invalid_token) << bad;
    EXPECT_EQ(f->arg(), "malformed token") << bad;
  }
}

TEST_F(SessionAuthentication, AJwtWhereASessionTokenIsNeededSaysSo) {
  auto f = failure_of("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2ln");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code(), ErrorCode::invalid_token);
  EXPECT_NE(f->arg().find("session token"), std::string::npos) << f->arg();
}

TEST_F(SessionAuthentication, AWellFormedButUnknownTokenIsInvalid) {
  add("s1", 1000);
  OpaqueToken never_issued = mint_opaque_token(session_token_prefix);
  auto f = failure_of(never_issued.text);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code(), ErrorCode::invalid_token);
  EXPECT_EQ(f->arg(), "unknown token");
}

TEST_F(SessionAuthentication, ARevokedTokenIsInvalid) {
  std::string const loaded_revoked = add("s1", 1000, 50);
  std::string const revoked_later = add("s2", 1000);
  registry.revoke({"s2"});
  for (auto const& token : {loaded_revoked, revoked_later}) {
    auto f = failure_of(token);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->code(), ErrorCode::invalid_token);
    EXPECT_EQ(f->arg(), "token revoked");
  }
}

TEST_F(SessionAuthentication, AnExpiredTokenIsTokenExpired) {
  std::string const token = add("s1", 1000);
  for (std::int64_t now : {1000, 5000}) {
    auto f = failure_of(token, now);
    ASSERT_TRUE(f) << now;
    EXPECT_EQ(f->code(), ErrorCode::token_expired) << now;
  }
}

TEST_F(SessionAuthentication, RevocationIsReportedBeforeExpiry) {
  std::string const token = add("s1", 1000, 50);
  auto f = failure_of(token, 5000);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code(), ErrorCode::invalid_token);
  EXPECT_EQ(f->arg(), "token revoked");
}

TEST_F(SessionAuthentication, AnErasedSessionsTokenIsUnknown) {
  std::string const token = add("s1", 1000);
  registry.erase({"s1"});
  auto f = failure_of(token);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->arg(), "unknown token");
}

// ---- Authorization header -------------------------------------------------------------------

TEST(BearerToken, TheSchemeIsCaseInsensitive) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer abc"), "abc");
  EXPECT_EQ(bearer_token("BEARER abc"), "abc");
  EXPECT_EQ(bearer_token("bEaReR abc"), "abc");
}

TEST(BearerToken, SpacesAroundTheTokenAreIgnored) {
  EXPECT_EQ(bearer_token("Bearer    abc"), "abc");
  EXPECT_EQ(bearer_token("Bearer abc   "), "abc");
}

TEST(BearerToken, OtherSchemesAreNotBearerTokens) {
  EXPECT_EQ(bearer_token("Basic YWxhZGRpbjpvcGVuc2VzYW1l"), std::nullopt);
  EXPECT_EQ(bearer_token("Token abc"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearerabc"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer-abc"), std::nullopt);
  EXPECT_EQ(bearer_token("abc"), std::nullopt);
}

TEST(BearerToken, AnEmptyHeaderOrTokenIsNoToken) {
  EXPECT_EQ(bearer_token(""), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer     "), std::nullopt);
}

}  // namespace
