// Per-client token buckets and who the client is (peer address, or X-Forwarded-For behind a
// trusted proxy; IPv6 by /64).
#include "gatehouse/api/client_address.hpp"
#include "gatehouse/api/rate_limiter.hpp"
#include "gatehouse/app/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace gatehouse;
using namespace gatehouse::api;
using namespace std::chrono_literals;
using gatehouse::app::parse_rate_limit;

TEST(RateLimiter, ABurstThenTheRefillRate) {
  RateLimiter limiter(RateLimit{2, 3});
  auto const t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.acquire("a", t0), std::nullopt) << i;
  EXPECT_EQ(limiter.acquire("a", t0), 1);  // one token takes half a second: wait 1 s
  EXPECT_EQ(limiter.acquire("b", t0), std::nullopt);  // another client has its own bucket
  EXPECT_EQ(limiter.acquire("a", t0 + 500ms), std::nullopt);
  EXPECT_TRUE(limiter.acquire("a", t0 + 600ms).has_value());
  // Idle long enough, the bucket is full again, never fuller.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.acquire("a", t0 + 100s), std::nullopt);
  EXPECT_TRUE(limiter.acquire("a", t0 + 100s).has_value());
}

TEST(RateLimiter, RetryAfterCoversTheWholeWait) {
  RateLimiter limiter(RateLimit{0.1, 1});  // one per ten seconds
  auto const t0 = RateLimiter::Clock::now();
  EXPECT_EQ(limiter.acquire("a", t0), std::nullopt);
  EXPECT_EQ(limiter.acquire("a", t0), 10);
  EXPECT_EQ(limiter.acquire("a", t0 + 4s), 6);
}

TEST(RateLimiter, ExhaustedLooksWithoutTaking) {
  RateLimiter limiter(RateLimit{1, 2});
  auto const t0 = RateLimiter::Clock::now();
  EXPECT_EQ(limiter.exhausted("a", t0), std::nullopt);
  EXPECT_EQ(limiter.exhausted("a", t0), std::nullopt);
  limiter.acquire("a", t0);
  limiter.acquire("a", t0);
  EXPECT_EQ(limiter.exhausted("a", t0), 1);
}

TEST(RateLimiter, OffMeansNoLimit) {
  RateLimiter limiter(RateLimit{});
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(limiter.acquire("a"), std::nullopt);
}

TEST(RateLimiter, AFloodOfClientsStaysBounded) {
  RateLimiter limiter(RateLimit{1, 1});
  auto const t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3 * static_cast<int>(RateLimiter::max_clients); ++i) limiter.acquire(std::to_string(i), t0);
  EXPECT_LE(limiter.client_count(), RateLimiter::max_clients);
  EXPECT_GT(limiter.client_count(), RateLimiter::max_clients / 2);
  // Once their buckets refill, idle clients are dropped to make room.
  limiter.acquire("late", t0 + 10s);
  for (int i = 0; i < static_cast<int>(RateLimiter::max_clients / 2); ++i) {
    limiter.acquire("x" + std::to_string(i), t0 + 10s);
  }
  EXPECT_LE(limiter.client_count(), RateLimiter::max_clients);
  EXPECT_EQ(limiter.acquire("late", t0 + 10s), 1);  // an active client keeps its spent bucket
}

TEST(RateLimitParse, Forms) {
  EXPECT_FALSE(parse_rate_limit("off")->enabled());
  EXPECT_FALSE(parse_rate_limit("0")->enabled());
  EXPECT_EQ(parse_rate_limit("5")->burst, 50);
  EXPECT_EQ(parse_rate_limit("0.5")->burst, 5);
  EXPECT_EQ(parse_rate_limit("0.01")->burst, 1);
  EXPECT_EQ(parse_rate_limit("5:7")->burst, 7);
  for (std::string_view bad : {"", "x", "-1", "1:0", "1:", "inf", "5 "}) EXPECT_FALSE(parse_rate_limit(bad)) << bad;
}

class Headers : public HeaderSource {
 public:
  explicit Headers(std::map<std::string, std::string> h) : h_(std::move(h)) {}
  std::string_view get(std::string_view name) const override {
    auto it = h_.find(std::string(name));
    return it == h_.end() ? std::string_view() : std::string_view(it->second);
  }

 private:
  std::map<std::string, std::string> h_;
};

std::string client(std::string_view peer, std::string const& forwarded, std::string_view trusted) {
  Headers const headers({{"X-Forwarded-For", forwarded}});
  Request req;
  req.client_address = peer;
  req.headers = &headers;
  return client_key(req, *TrustedProxies::parse(trusted));
}

TEST(ClientAddress, ForwardedForCountsOnlyFromTrustedProxies) {
  EXPECT_EQ(client("203.0.113.9", "198.51.100.1", ""), "203.0.113.9");
  EXPECT_EQ(client("203.0.113.9", "198.51.100.1", "10.0.0.0/8"), "203.0.113.9");  // peer not trusted
  EXPECT_EQ(client("10.1.2.3", "198.51.100.1", "10.0.0.0/8"), "198.51.100.1");
  // The client's own claims (left) are not believed past the first untrusted hop.
  EXPECT_EQ(client("10.1.2.3", "1.1.1.1, 198.51.100.1, 10.9.9.9", "10.0.0.0/8"), "198.51.100.1");
  // Every hop trusted: the leftmost one we could read.
  EXPECT_EQ(client("10.1.2.3", "10.0.0.7", "10.0.0.0/8"), "10.0.0.7");
  // Garbage stops the walk at the last good address.
  EXPECT_EQ(client("10.1.2.3", "bogus, 198.51.100.1", "10.0.0.0/8"), "198.51.100.1");
  EXPECT_EQ(client("10.1.2.3", "bogus", "10.0.0.0/8"), "10.1.2.3");
  EXPECT_EQ(client("10.1.2.3", "", "10.0.0.0/8"), "10.1.2.3");
}

TEST(ClientAddress, IPv6ClientsAreKeyedByTheirSlash64AndMappedIPv4IsIPv4) {
  EXPECT_EQ(client("2001:db8:1:2:aaaa::1", "", ""), "2001:db8:1:2::/64");
  EXPECT_EQ(client("2001:db8:1:2:bbbb::9", "", ""), "2001:db8:1:2::/64");
  EXPECT_EQ(client("::ffff:192.0.2.7", "", ""), "192.0.2.7");
  EXPECT_EQ(client("::1", "2001:db8::5", "::1"), "2001:db8::/64");
}

TEST(TrustedProxies, CidrMatching) {
  auto const p = TrustedProxies::parse("10.0.0.0/8,192.168.1.128/25,2001:db8::/32,127.0.0.1");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->contains("10.255.0.1"));
  EXPECT_FALSE(p->contains("11.0.0.1"));
  EXPECT_TRUE(p->contains("192.168.1.200"));
  EXPECT_FALSE(p->contains("192.168.1.100"));
  EXPECT_TRUE(p->contains("2001:db8:ffff::1"));
  EXPECT_FALSE(p->contains("2001:db9::1"));
  EXPECT_TRUE(p->contains("127.0.0.1"));
  EXPECT_FALSE(p->contains("127.0.0.2"));
  EXPECT_FALSE(p->contains("not an address"));
  EXPECT_TRUE(TrustedProxies::parse("")->empty());
  EXPECT_FALSE(TrustedProxies::parse("10.0.0.0/x"));
}

}  // namespace
