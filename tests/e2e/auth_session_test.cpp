// POST /auth/session: a Clerk JWT in, an opaque session token out. Every attack on the JWT is
// played against the running server and must come back as the contract's 401.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include "gatehouse/crypto/base64url.hpp"
#include "gatehouse/util/clock.hpp"

#include <boost/json/serialize.hpp>

#include <openssl/evp.h>

#include <regex>
#include <set>
#include <thread>

namespace gatehouse::testing {

class AuthSession : public GatehouseTest {
 protected:
  void SetUp() override {
    start();
    ASSERT_TRUE(wait_for_jwks_loaded()) << server().output();
  }

  HttpResponse exchange_jwt(std::string const& jwt) { return exchange("Bearer " + jwt); }

  // The claims a valid token for `sub` would carry, to be bent by a test.
  boost::json::object valid_claims(std::string const& sub) const {
    auth::ClerkTokenSpec spec;
    spec.sub = sub;
    spec.iss = issuer;
    spec.azp = authorized_party;
    return auth::clerk_claims(spec, now_unix());
  }

  std::string header_json(std::string const& alg) const {
    return boost::json::serialize(boost::json::object{{"alg", alg}, {"typ", "JWT"}, {"kid", signer().kid()}});
  }

  std::int64_t principal_count() const { return *db_int("SELECT count(*) FROM principals"); }
};

TEST_F(AuthSession, ValidClerkJwtExchangesForASessionTokenWithThirtyMinuteTtl) {
  auto const res = exchange_jwt(mint_jwt("user_valid"));
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  auto const body = res.json();
  EXPECT_FALSE(str(body, "token").empty());
  EXPECT_EQ(num(body, "expires_in"), 1800);
  EXPECT_FALSE(str(body, "principal_id").empty());
  EXPECT_EQ(principal_of(str(body, "token")), str(body, "principal_id"));
}

TEST_F(AuthSession, SessionTokenHasTheGsPrefixAndAtLeast256BitsOfRandomness) {
  std::string const a = user_session("user_entropy");
  std::string const b = user_session("user_entropy");
  std::regex const shape(R"(^gs_[A-Za-z0-9_-]+$)");
  ASSERT_TRUE(std::regex_match(a, shape)) << a;
  // base64url: 6 bits per character after the prefix.
  EXPECT_GE((a.size() - 3) * 6, 256u) << a;
  EXPECT_NE(a, b);
}

TEST_F(AuthSession, MissingAuthorizationHeaderIsMissingBearerToken) {
  auto const res = post(port(), "/auth/session", "");
  EXPECT_TRUE(IsError(res, 401, "Missing Bearer token"));
}

TEST_F(AuthSession, BasicSchemeIsMissingBearerToken) {
  EXPECT_TRUE(IsError(exchange("Basic dXNlcjpwYXNz"), 401, "Missing Bearer token"));
}

TEST_F(AuthSession, BearerWithoutATokenIsMissingBearerToken) {
  EXPECT_TRUE(IsError(exchange("Bearer "), 401, "Missing Bearer token"));
}

TEST_F(AuthSession, BearerSchemeIsCaseInsensitive) {
  auto const lower = exchange("bearer " + mint_jwt("user_case"));
  EXPECT_EQ(lower.status, 200) << lower.body;
  auto const upper = exchange("BEARER " + mint_jwt("user_case"));
  EXPECT_EQ(upper.status, 200) << upper.body;
}

TEST_F(AuthSession, AlgNoneIsRejected) {
  std::string const unsigned_token = crypto::base64url_encode(header_json("none")) + "." +
                                     crypto::base64url_encode(boost::json::serialize(valid_claims("user_none"))) + ".";
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(unsigned_token)));
  // The same with a signature segment present, so the refusal is the algorithm itself.
  std::string const with_signature = unsigned_token + crypto::base64url_encode("not a signature");
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(with_signature), "algorithm"));
}

TEST_F(AuthSession, Hs256SignedWithThePublicKeyIsRejected) {
  // The classic key-confusion attack: HMAC with the RSA public key (the JWKS text) as secret.
  std::string const input = crypto::base64url_encode(header_json("HS256")) + "." +
                            crypto::base64url_encode(boost::json::serialize(valid_claims("user_hs256")));
  std::string const secret = signer().jwks_json();
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_size = 0;
  ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                      reinterpret_cast<unsigned char const*>(input.data()), input.size(), mac, sizeof mac, &mac_size),
            nullptr);
  std::string const token =
      input + "." + crypto::base64url_encode(std::string_view(reinterpret_cast<char const*>(mac), mac_size));
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(token), "algorithm"));
}

TEST_F(AuthSession, BadSignatureIsRejected) {
  // Signed by another key under our key's kid.
  std::string const forged =
      other_signer().sign_raw(header_json("RS256"), boost::json::serialize(valid_claims("user_forged")));
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(forged), "signature"));
  // A valid token with its payload swapped for another subject's.
  std::string const good = mint_jwt("user_honest");
  auto const first_dot = good.find('.');
  auto const second_dot = good.find('.', first_dot + 1);
  std::string const swapped = good.substr(0, first_dot + 1) +
                              crypto::base64url_encode(boost::json::serialize(valid_claims("user_admin"))) +
                              good.substr(second_dot);
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(swapped), "signature"));
}

TEST_F(AuthSession, ExpiredJwtIsRejected) {
  auth::ClerkTokenSpec spec;
  spec.lifetime = -120;
  spec.not_before_offset = -300;
  spec.issued_at_offset = -300;
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(mint_jwt("user_expired", spec)), "expired"));
}

TEST_F(AuthSession, NotYetValidJwtIsRejected) {
  auth::ClerkTokenSpec spec;
  spec.not_before_offset = 600;
  spec.lifetime = 900;
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(mint_jwt("user_early", spec)), "not yet valid"));
}

TEST_F(AuthSession, JwtIssuedInTheFutureIsRejected) {
  auth::ClerkTokenSpec spec;
  spec.issued_at_offset = 600;
  spec.not_before_offset = -5;
  spec.lifetime = 900;
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(mint_jwt("user_time_traveller", spec)), "future"));
}

TEST_F(AuthSession, SmallClockSkewIsTolerated) {
  // The issuer's clock a few seconds off either way (the default skew is 5 s).
  auth::ClerkTokenSpec ahead;
  ahead.issued_at_offset = 3;
  ahead.not_before_offset = 3;
  EXPECT_EQ(exchange_jwt(mint_jwt("user_skewed", ahead)).status, 200);
  auth::ClerkTokenSpec behind;
  behind.lifetime = -2;
  behind.not_before_offset = -300;
  behind.issued_at_offset = -300;
  EXPECT_EQ(exchange_jwt(mint_jwt("user_skewed", behind)).status, 200);
}

TEST_F(AuthSession, JwtWithoutExpIsRejected) {
  auto claims = valid_claims("user_forever");
  claims.erase("exp");
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(signer().sign(claims)), "exp"));
}

TEST_F(AuthSession, WrongIssuerIsRejected) {
  auth::ClerkTokenSpec spec;
  spec.iss = "https://clerk.evil.example";
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(mint_jwt("user_wrong_iss", spec)), "issuer"));
  auto claims = valid_claims("user_no_iss");
  claims.erase("iss");
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(signer().sign(claims)), "issuer"));
}

TEST_F(AuthSession, UnknownKidIsRejected) {
  std::string const header =
      boost::json::serialize(boost::json::object{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "kid-nobody-published"}});
  std::string const token = signer().sign_raw(header, boost::json::serialize(valid_claims("user_kid")));
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(token), "kid"));
}

TEST_F(AuthSession, GarbageTokensAreRejected) {
  for (std::string const garbage : {"not-a-jwt", "a.b.c", "...", "eyJhbGciOiJSUzI1NiJ9", "gs_short"}) {
    EXPECT_TRUE(IsInvalidToken(exchange_jwt(garbage))) << garbage;
  }
}

TEST_F(AuthSession, WrongAuthorizedPartyIsInvalidAuthorizedParty) {
  auth::ClerkTokenSpec spec;
  spec.azp = "https://phishing.example";
  EXPECT_TRUE(IsError(exchange_jwt(mint_jwt("user_azp", spec)), 401, "Invalid authorized party"));
}

TEST_F(AuthSession, MissingAuthorizedPartyIsInvalidAuthorizedParty) {
  auto claims = valid_claims("user_no_azp");
  claims.erase("azp");
  EXPECT_TRUE(IsError(exchange_jwt(signer().sign(claims)), 401, "Invalid authorized party"));
}

TEST_F(AuthSession, RejectedJwtCreatesNoPrincipal) {
  std::int64_t const before = principal_count();
  auth::ClerkTokenSpec spec;
  spec.azp = "https://phishing.example";
  ASSERT_EQ(exchange_jwt(mint_jwt("user_rejected", spec)).status, 401);
  spec = {};
  spec.lifetime = -120;
  ASSERT_EQ(exchange_jwt(mint_jwt("user_rejected", spec)).status, 401);
  EXPECT_EQ(principal_count(), before);
}

TEST_F(AuthSession, ConcurrentFirstExchangesForOneUserShareOnePrincipal) {
  constexpr int callers = 10;
  std::vector<std::string> jwts;
  for (int i = 0; i < callers; ++i) jwts.push_back(mint_jwt("user_stampede"));
  std::vector<HttpResponse> results(callers);
  std::vector<std::thread> threads;
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back([&, i] { results[static_cast<std::size_t>(i)] = exchange_jwt(jwts[static_cast<std::size_t>(i)]); });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> principals;
  for (auto const& res : results) {
    ASSERT_EQ(res.status, 200) << res.body;
    principals.insert(str(res.json(), "principal_id"));
  }
  EXPECT_EQ(principals.size(), 1u);
  EXPECT_EQ(*db_int("SELECT count(*) FROM principals WHERE clerk_user_id = 'user_stampede'"), 1);
}

TEST_F(AuthSession, SameSubjectTwiceGetsTheSamePrincipal) {
  auto const first = exchange_jwt(mint_jwt("user_twice"));
  auto const second = exchange_jwt(mint_jwt("user_twice"));
  auto const other = exchange_jwt(mint_jwt("user_someone_else"));
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(str(first.json(), "principal_id"), str(second.json(), "principal_id"));
  EXPECT_NE(str(first.json(), "token"), str(second.json(), "token"));
  EXPECT_NE(str(first.json(), "principal_id"), str(other.json(), "principal_id"));
}

TEST_F(AuthSession, EmailAndNameClaimsAreUpdatedAtEachExchange) {
  auth::ClerkTokenSpec spec;
  spec.email = "ada@example.com";
  spec.name = "Ada";
  auto const first = exchange_jwt(mint_jwt("user_profile", spec));
  ASSERT_EQ(first.status, 200) << first.body;
  auto const before = get(port(), "/auth/bootstrap", str(first.json(), "token"));
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.json().at("principal").at("email"), "ada@example.com");
  EXPECT_EQ(before.json().at("principal").at("name"), "Ada");

  spec.email = "ada.lovelace@example.com";
  spec.name = "Ada Lovelace";
  auto const second = exchange_jwt(mint_jwt("user_profile", spec));
  ASSERT_EQ(second.status, 200) << second.body;
  // Visible from the first session too: the profile belongs to the principal.
  auto const after = get(port(), "/auth/bootstrap", str(first.json(), "token"));
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.json().at("principal").at("email"), "ada.lovelace@example.com");
  EXPECT_EQ(after.json().at("principal").at("name"), "Ada Lovelace");
}

TEST_F(AuthSession, AbsentProfileClaimsKeepTheStoredValues) {
  auth::ClerkTokenSpec spec;
  spec.email = "grace@example.com";
  spec.name = "Grace";
  ASSERT_EQ(exchange_jwt(mint_jwt("user_keep", spec)).status, 200);
  std::string const token = user_session("user_keep");  // no email, no name claims
  auto const res = get(port(), "/auth/bootstrap", token);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json().at("principal").at("email"), "grace@example.com");
  EXPECT_EQ(res.json().at("principal").at("name"), "Grace");
}

TEST_F(AuthSession, SessionTokenIsNotAClerkJwt) {
  std::string const token = user_session("user_not_a_jwt");
  EXPECT_TRUE(IsInvalidToken(exchange_jwt(token)));
}

// --authorized-parties takes a list: every party on it is accepted, nothing else.
class AuthorizedParties : public GatehouseTest {};

TEST_F(AuthorizedParties, EveryConfiguredPartyIsAcceptedAndNoOther) {
  start({"--authorized-parties", "https://a.example, https://b.example"});
  ASSERT_TRUE(wait_for_jwks_loaded());
  for (std::string const azp : {"https://a.example", "https://b.example"}) {
    auth::ClerkTokenSpec spec;
    spec.azp = azp;
    auto const res = exchange("Bearer " + mint_jwt("user_multi_party", spec));
    EXPECT_EQ(res.status, 200) << azp << ": " << res.body;
  }
  // The fixture's usual party is not on this server's list.
  EXPECT_TRUE(IsError(exchange("Bearer " + mint_jwt("user_multi_party")), 401, "Invalid authorized party"));
}

}  // namespace gatehouse::testing
