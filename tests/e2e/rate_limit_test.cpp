// Per-client rate limits against the real binary: session creation and refused credentials
// answer 429 "Too many requests" with Retry-After, per client address, with X-Forwarded-For
// believed only from --trusted-proxies.
#include "expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <charconv>

namespace gatehouse::testing {

namespace {

Headers from(std::string const& client) { return {{"X-Forwarded-For", client}}; }

HttpResponse anonymous(std::uint16_t port, std::string const& device, Headers headers = {}) {
  return http(port, "POST", "/auth/anonymous", R"({"device_id":")" + device + R"("})", headers);
}

void expect_too_many(HttpResponse const& res, int max_wait) {
  EXPECT_EQ(res.status, 429) << res.body;
  EXPECT_EQ(res.detail(), "Too many requests");
  std::string const retry = res.header("Retry-After");
  int seconds = 0;
  auto [end, ec] = std::from_chars(retry.data(), retry.data() + retry.size(), seconds);
  EXPECT_TRUE(ec == std::errc() && end == retry.data() + retry.size()) << "Retry-After: " << retry;
  EXPECT_GE(seconds, 1);
  EXPECT_LE(seconds, max_wait);
}

}  // namespace

class RateLimits : public GatehouseTest {};

TEST_F(RateLimits, SessionCreationOverTheBurstIs429AndWritesNothing) {
  start({"--session-rate-limit", "0.2:3"});  // 3 at once, then one per 5 s
  ASSERT_TRUE(wait_for_jwks_loaded());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(anonymous(port(), "rl-" + std::to_string(i)).status, 200) << i;
  expect_too_many(anonymous(port(), "rl-refused"), 5);
  EXPECT_EQ(db_int("SELECT count(*) FROM principals WHERE device_id = 'rl-refused'"), 0);
  // The JWT exchange and rebind draw on the same budget, before any RSA work.
  expect_too_many(exchange("Bearer " + mint_jwt("user_rate_limited")), 5);
  expect_too_many(http(port(), "POST", "/auth/rebind", R"({"device_id":"rl-0"})", {}), 5);
  EXPECT_EQ(db_int("SELECT count(*) FROM principals WHERE clerk_user_id = 'user_rate_limited'"), 0);
  // Other routes are not limited by it.
  EXPECT_EQ(get(port(), "/health").status, 200);
}

TEST_F(RateLimits, ForwardedForCountsOnlyFromATrustedProxy) {
  start({"--session-rate-limit", "0.2:2"});
  // Not trusted: the header is the client's own claim, and changing it buys nothing.
  ASSERT_EQ(anonymous(port(), "xff-1", from("198.51.100.1")).status, 200);
  ASSERT_EQ(anonymous(port(), "xff-2", from("198.51.100.2")).status, 200);
  expect_too_many(anonymous(port(), "xff-3", from("198.51.100.3")), 10);

  start({"--session-rate-limit", "0.2:2", "--trusted-proxies", "127.0.0.0/8"});
  ASSERT_EQ(anonymous(port(), "xff-4", from("198.51.100.1")).status, 200);
  ASSERT_EQ(anonymous(port(), "xff-5", from("198.51.100.1")).status, 200);
  expect_too_many(anonymous(port(), "xff-6", from("198.51.100.1")), 10);
  // Another client behind the same proxy has its own budget; so does one whose claimed
  // address is only believed up to the proxy's own entry.
  EXPECT_EQ(anonymous(port(), "xff-7", from("198.51.100.2")).status, 200);
  EXPECT_EQ(anonymous(port(), "xff-8", from("198.51.100.1, 198.51.100.9")).status, 200);
}

TEST_F(RateLimits, RefusedCredentialsSpendTheClientsFailureBudget) {
  start({"--failed-auth-rate-limit", "0.2:3", "--trusted-proxies", "127.0.0.1"});
  ASSERT_TRUE(wait_for_jwks_loaded());
  std::string const token = anonymous_session("failure-budget-device");
  Headers attacker = from("203.0.113.66");
  attacker.emplace_back("Authorization", "Bearer gs_" + std::string(43, 'A'));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(http(port(), "GET", "/auth/whoami", {}, attacker).status, 401) << i;
  // Spent: even a valid credential from that client waits, and nothing is looked up.
  Headers attacker_with_token = from("203.0.113.66");
  attacker_with_token.emplace_back("Authorization", "Bearer " + token);
  expect_too_many(http(port(), "GET", "/auth/whoami", {}, attacker_with_token), 5);
  Headers bad_jwt = from("203.0.113.66");
  bad_jwt.emplace_back("Authorization", "Bearer " + mint_jwt("user_x") + "x");
  expect_too_many(http(port(), "POST", "/auth/session", {}, bad_jwt), 5);
  // Another client is unaffected; a missing credential is no guess and costs nothing.
  Headers honest = from("203.0.113.7");
  honest.emplace_back("Authorization", "Bearer " + token);
  EXPECT_EQ(http(port(), "GET", "/auth/whoami", {}, honest).status, 200);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(http(port(), "GET", "/auth/whoami", {}, from("203.0.113.8")).status, 401);
  Headers third = from("203.0.113.8");
  third.emplace_back("Authorization", "Bearer " + token);
  EXPECT_EQ(http(port(), "GET", "/auth/whoami", {}, third).status, 200);
}

}  // namespace gatehouse::testing
