// The development issuer mints tokens shaped like Clerk's session tokens, and they pass the
// same verification a real Clerk token does.
#include "gatehouse/auth/jwks.hpp"
#include "gatehouse/auth/jwt.hpp"
#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace {

using namespace gatehouse::auth;
using gatehouse::UnixSeconds;

constexpr UnixSeconds now = 1'700'000'000;

JwtSigner const& signer() {
  static JwtSigner const s = JwtSigner::generate();
  return s;
}

JwtVerification verify(std::string const& token, JwtPolicy const& policy = {}) {
  auto const jwks = Jwks::parse(signer().jwks_json());
  auto const parsed = parse_jwt(token);
  if (auto const* status = std::get_if<JwtStatus>(&parsed)) return {*status, {}};
  return verify_jwt(std::get<Jwt>(parsed), std::get<Jwks>(jwks), policy, now);
}

TEST(ClerkToken, ClaimsCarryTheSpecWithIntegerTimes) {
  ClerkTokenSpec spec{.sub = "user_2abc",
                      .azp = "http://localhost:3000",
                      .iss = "https://dev.gatehouse.local",
                      .sid = "sess_given",
                      .email = "ada@example.com",
                      .name = "Ada Lovelace",
                      .lifetime = 600,
                      .not_before_offset = -10,
                      .issued_at_offset = -2};
  auto const claims = clerk_claims(spec, now);
  EXPECT_EQ(claims.at("sub"), "user_2abc");
  EXPECT_EQ(claims.at("azp"), "http://localhost:3000");
  EXPECT_EQ(claims.at("iss"), "https://dev.gatehouse.local");
  EXPECT_EQ(claims.at("sid"), "sess_given");
  EXPECT_EQ(claims.at("email"), "ada@example.com");
  EXPECT_EQ(claims.at("name"), "Ada Lovelace");
  ASSERT_TRUE(claims.at("iat").is_int64());
  ASSERT_TRUE(claims.at("nbf").is_int64());
  ASSERT_TRUE(claims.at("exp").is_int64());
  EXPECT_EQ(claims.at("iat").as_int64(), now - 2);
  EXPECT_EQ(claims.at("nbf").as_int64(), now - 10);
  EXPECT_EQ(claims.at("exp").as_int64(), now + 600);
}

TEST(ClerkToken, AbsentOptionalClaimsAreOmitted) {
  auto const claims = clerk_claims({.sub = "user_2abc"}, now);
  EXPECT_FALSE(claims.contains("azp"));
  EXPECT_FALSE(claims.contains("iss"));
  EXPECT_FALSE(claims.contains("email"));
  EXPECT_FALSE(claims.contains("name"));
  EXPECT_EQ(claims.at("exp").as_int64(), now + 300);
  EXPECT_EQ(claims.at("nbf").as_int64(), now - 5);
  EXPECT_EQ(claims.at("iat").as_int64(), now);
}

TEST(ClerkToken, SidIsGeneratedWhenAbsent) {
  auto const a = clerk_claims({.sub = "user_2abc"}, now);
  auto const b = clerk_claims({.sub = "user_2abc"}, now);
  std::string const sid_a(a.at("sid").as_string());
  std::string const sid_b(b.at("sid").as_string());
  EXPECT_TRUE(sid_a.starts_with("sess_")) << sid_a;
  EXPECT_GT(sid_a.size(), std::string("sess_").size());
  EXPECT_NE(sid_a, sid_b);
}

TEST(ClerkToken, MintedTokenPassesVerification) {
  ClerkTokenSpec const spec{.sub = "user_2abc", .azp = "http://localhost:3000", .iss = "https://dev.gatehouse.local",
                            .sid = "sess_1", .email = "ada@example.com", .name = "Ada"};
  auto const result = verify(mint_clerk_token(signer(), spec, now),
                             {.issuer = "https://dev.gatehouse.local", .authorized_parties = {"http://localhost:3000"}});
  ASSERT_EQ(result.status, JwtStatus::ok);
  EXPECT_EQ(result.claims.sub, "user_2abc");
  EXPECT_EQ(result.claims.sid, "sess_1");
  EXPECT_EQ(result.claims.email, "ada@example.com");
  EXPECT_EQ(result.claims.name, "Ada");
  EXPECT_EQ(result.claims.exp, now + 300);
}

TEST(ClerkToken, NegativeLifetimeMintsAnExpiredToken) {
  EXPECT_EQ(verify(mint_clerk_token(signer(), {.sub = "user_2abc", .lifetime = -60}, now)).status,
            JwtStatus::expired);
}

TEST(ClerkToken, NotBeforeOffsetInTheFutureMintsANotYetValidToken) {
  EXPECT_EQ(verify(mint_clerk_token(signer(), {.sub = "user_2abc", .not_before_offset = 120}, now)).status,
            JwtStatus::not_yet_valid);
}

}  // namespace
