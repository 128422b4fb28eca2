// The JWKS as the server sees it: key rotation through the unknown-kid refetch, a rate limit on
// that refetch, and a JWKS host that is down at start and comes up later.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include "gatehouse/crypto/random.hpp"
#include "gatehouse/util/clock.hpp"

#include <boost/json/serialize.hpp>

#include <thread>

namespace gatehouse::testing {

class Jwks : public GatehouseTest {
 protected:
  std::string mint_with(auth::JwtSigner const& key, std::string const& sub) const {
    auth::ClerkTokenSpec spec;
    spec.sub = sub;
    spec.iss = issuer;
    spec.azp = authorized_party;
    return auth::mint_clerk_token(key, spec, now_unix());
  }

  std::string with_kid(std::string const& kid, std::string const& sub) const {
    auth::ClerkTokenSpec spec;
    spec.sub = sub;
    spec.iss = issuer;
    spec.azp = authorized_party;
    std::string const header = boost::json::serialize(boost::json::object{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid}});
    return signer().sign_raw(header, boost::json::serialize(auth::clerk_claims(spec, now_unix())));
  }
};

TEST_F(Jwks, RotatedKeyIsAcceptedAfterTheUnknownKidRefetch) {
  start({"--jwks-min-refetch", "0"});
  ASSERT_TRUE(wait_for_jwks_loaded()) << server().output();
  ASSERT_NE(other_signer().kid(), signer().kid());
  // Before the rotation the new key is unknown, even after the refetch it triggers.
  EXPECT_TRUE(IsInvalidToken(exchange("Bearer " + mint_with(other_signer(), "user_rotated")), "kid"));

  jwks_host().set(jwks_path, jwks_of({&signer(), &other_signer()}));
  std::size_t const fetches_before = jwks_host().hits(jwks_path);
  auto const res = exchange("Bearer " + mint_with(other_signer(), "user_rotated"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(jwks_host().hits(jwks_path), fetches_before + 1);
  // The old key still works while it is published.
  EXPECT_EQ(exchange("Bearer " + mint_jwt("user_old_key")).status, 200);
}

TEST_F(Jwks, KeyRemovedFromTheJwksIsRefusedAfterARefetch) {
  start({"--jwks-min-refetch", "0"});
  ASSERT_TRUE(wait_for_jwks_loaded());
  // Rotate fully to the new key, and make the server learn it.
  jwks_host().set(jwks_path, jwks_of({&other_signer()}));
  ASSERT_EQ(exchange("Bearer " + mint_with(other_signer(), "user_new_only")).status, 200);
  EXPECT_TRUE(IsInvalidToken(exchange("Bearer " + mint_jwt("user_retired_key")), "kid"));
}

TEST_F(Jwks, FailedRefetchKeepsTheKnownKeys) {
  start({"--jwks-min-refetch", "0"});
  ASSERT_TRUE(wait_for_jwks_loaded());
  jwks_host().set_status(jwks_path, 500);
  std::size_t const fetches_before = jwks_host().hits(jwks_path);
  // An unknown kid makes the server refetch; the JWKS host fails it.
  EXPECT_TRUE(IsInvalidToken(exchange("Bearer " + with_kid("kid-from-nowhere", "user_outage")), "kid"));
  EXPECT_GT(jwks_host().hits(jwks_path), fetches_before);
  EXPECT_EQ(exchange("Bearer " + mint_jwt("user_outage")).status, 200);
}

TEST_F(Jwks, FloodOfMadeUpKidsCausesAtMostOneRefetch) {
  start({"--jwks-min-refetch", "60"});
  ASSERT_TRUE(wait_for_jwks_loaded());
  std::size_t const fetches_before = jwks_host().hits(jwks_path);
  constexpr int per_thread = 10;
  std::vector<std::thread> threads;
  std::atomic<int> refused{0};
  for (int t = 0; t < 5; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        auto const res = exchange("Bearer " + with_kid(crypto::random_id("kid_"), "user_flood"));
        if (res.status == 401 && res.detail().starts_with("Invalid token: ")) ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), 50);
  EXPECT_LE(jwks_host().hits(jwks_path) - fetches_before, 1u);
  // The server is still fine for real tokens.
  EXPECT_EQ(exchange("Bearer " + mint_jwt("user_after_flood")).status, 200);
}

TEST_F(Jwks, UnreachableJwksIsJwksNotLoadedWhileTheRestWorks) {
  jwks_host().stop();
  start();
  auto const res = exchange("Bearer " + mint_jwt("user_no_jwks"));
  EXPECT_TRUE(IsError(res, 503, "JWKS not loaded"));
  auto const health = get(port(), "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  std::string const anon = anonymous_session("works-without-jwks");
  EXPECT_EQ(get(port(), "/auth/whoami", anon).status, 200);
  // Rebind by JWT needs the JWKS too.
  EXPECT_TRUE(IsError(post(port(), "/auth/rebind", R"({"device_id":"works-without-jwks"})", mint_jwt("user_no_jwks")),
                      503, "JWKS not loaded"));
}

TEST_F(Jwks, JwksHostThatComesUpLaterIsPickedUpByTheRetry) {
  jwks_host().stop();
  start();
  ASSERT_TRUE(IsError(exchange("Bearer " + mint_jwt("user_patient")), 503, "JWKS not loaded"));
  restart_jwks_host();
  // The server retries with backoff (1 s, 2 s, 4 s, ...): its own log line is the event.
  ASSERT_TRUE(wait_for_jwks_loaded(std::chrono::seconds(20))) << server().output();
  auto const res = exchange("Bearer " + mint_jwt("user_patient"));
  EXPECT_EQ(res.status, 200) << res.body;
}

}  // namespace gatehouse::testing
