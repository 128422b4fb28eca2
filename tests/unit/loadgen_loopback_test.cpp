// gatehouse-load's two pure pieces: the loopback-only target check (it must never be pointed at
// another machine) with its source-address spreading, and the latency histogram's percentiles.
#include "loadgen/latency_histogram.hpp"
#include "loadgen/loopback.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace {

using gatehouse::loadgen::LatencyHistogram;
using gatehouse::loadgen::resolve_loopback_target;
namespace ip = boost::asio::ip;

TEST(LoadgenLoopback, AcceptsTheWholeIpv4LoopbackRange) {
  for (std::string const target : {"127.0.0.1:8080", "127.0.0.2:1", "127.255.255.254:65535", "127.1.2.3:443"}) {
    auto const r = resolve_loopback_target(target);
    ASSERT_TRUE(r.endpoint.has_value()) << target << ": " << r.error;
    EXPECT_TRUE(r.endpoint->address().is_v4());
  }
  auto const r = resolve_loopback_target("127.0.0.1:18900");
  EXPECT_EQ(r.endpoint->address().to_string(), "127.0.0.1");
  EXPECT_EQ(r.endpoint->port(), 18900);
}

TEST(LoadgenLoopback, AcceptsIpv6LoopbackAndMappedIpv4Loopback) {
  auto const v6 = resolve_loopback_target("[::1]:8080");
  ASSERT_TRUE(v6.endpoint.has_value()) << v6.error;
  EXPECT_EQ(v6.endpoint->address().to_string(), "::1");
  auto const mapped = resolve_loopback_target("[::ffff:127.0.0.1]:8080");
  ASSERT_TRUE(mapped.endpoint.has_value()) << mapped.error;
  EXPECT_EQ(mapped.endpoint->address().to_string(), "127.0.0.1");
}

TEST(LoadgenLoopback, AcceptsLocalhostByName) {
  auto const r = resolve_loopback_target("localhost:8080");
  ASSERT_TRUE(r.endpoint.has_value()) << r.error;
  EXPECT_TRUE(gatehouse::loadgen::is_loopback(r.endpoint->address()));
}

TEST(LoadgenLoopback, RefusesEveryNonLoopbackAddressWithOneLine) {
  for (std::string const target : {"10.0.0.1:8080", "192.168.1.10:80", "8.8.8.8:53", "0.0.0.0:8080", "128.0.0.1:80",
                                   "126.255.255.255:80", "[::]:8080", "[2001:db8::1]:443", "[::2]:80",
                                   "[::ffff:10.0.0.1]:80", "[fe80::1]:80"}) {
    auto const r = resolve_loopback_target(target);
    EXPECT_FALSE(r.endpoint.has_value()) << target;
    EXPECT_NE(r.error.find("refusing --target " + target), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("loopback"), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find('\n'), std::string::npos) << r.error;
  }
}

TEST(LoadgenLoopback, RefusesMalformedTargets) {
  for (std::string const target : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80x",
                                   ":8080", "::1:8080", "[]:80"}) {
    auto const r = resolve_loopback_target(target);
    EXPECT_FALSE(r.endpoint.has_value()) << target;
    EXPECT_FALSE(r.error.empty()) << target;
  }
}

TEST(LoadgenLoopback, SpreadsOverConsecutiveIpv4SourceAddresses) {
  auto const sources = gatehouse::loadgen::source_addresses(ip::make_address("127.0.0.1"), 3);
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0].to_string(), "127.0.0.1");
  EXPECT_EQ(sources[1].to_string(), "127.0.0.2");
  EXPECT_EQ(sources[2].to_string(), "127.0.0.3");
  for (auto const& s : gatehouse::loadgen::source_addresses(ip::make_address("127.0.0.1"), 300)) {
    EXPECT_TRUE(gatehouse::loadgen::is_loopback(s)) << s.to_string();
  }
  // IPv6 has a single loopback address.
  auto const v6 = gatehouse::loadgen::source_addresses(ip::make_address("::1"), 4);
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_EQ(v6[0].to_string(), "::1");
}

TEST(LoadgenLoopback, DefaultSourceAddressCountCoversTheConnections) {
  using gatehouse::loadgen::default_source_address_count;
  EXPECT_EQ(default_source_address_count(0), 1u);
  EXPECT_EQ(default_source_address_count(1), 1u);
  EXPECT_EQ(default_source_address_count(28000), 1u);
  EXPECT_EQ(default_source_address_count(28001), 2u);
  EXPECT_EQ(default_source_address_count(100000), 4u);
  EXPECT_EQ(default_source_address_count(200000, 20000), 10u);
}

TEST(LatencyHistogram, EmptyHistogramReportsZeros) {
  LatencyHistogram h;
  auto const s = h.snapshot();
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.percentile(50), 0u);
  EXPECT_EQ(s.percentile(99), 0u);
  EXPECT_EQ(s.max(), 0u);
  EXPECT_EQ(s.min(), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 50; ++v) h.record(v);
  auto const s = h.snapshot();
  EXPECT_EQ(s.percentile(50), 25u);
  EXPECT_EQ(s.percentile(90), 45u);
  EXPECT_EQ(s.percentile(100), 50u);
  EXPECT_EQ(s.min(), 1u);
}

TEST(LatencyHistogram, PercentilesOfAUniformSpreadAreWithinBucketPrecision) {
  LatencyHistogram h;
  // 1 us .. 100 ms in 1 us steps, as nanoseconds.
  for (std::uint64_t us = 1; us <= 100000; ++us) h.record(us * 1000);
  auto const s = h.snapshot();
  EXPECT_EQ(s.count(), 100000u);
  for (double const p : {50.0, 90.0, 99.0, 99.9}) {
    double const expected = p / 100.0 * 100000.0 * 1000.0;
    double const got = static_cast<double>(s.percentile(p));
    EXPECT_GE(got, expected) << "p" << p;  // never under-reports
    EXPECT_LE(got, expected * (1.0 + 1.0 / 64.0)) << "p" << p;
  }
  EXPECT_EQ(s.max(), 100000000u);
  EXPECT_EQ(s.percentile(100), 100000000u);
  EXPECT_EQ(s.min(), 1000u);
  EXPECT_NEAR(s.mean(), 50000.5 * 1000.0, 1.0);
}

TEST(LatencyHistogram, TailPercentilesSeeTheOutliers) {
  LatencyHistogram h;
  for (int i = 0; i < 980; ++i) h.record(1'000'000);   // 1 ms
  for (int i = 0; i < 20; ++i) h.record(250'000'000);  // 250 ms
  auto const s = h.snapshot();
  EXPECT_NEAR(static_cast<double>(s.percentile(50)), 1e6, 1e6 / 64);
  EXPECT_NEAR(static_cast<double>(s.percentile(98)), 1e6, 1e6 / 64);
  EXPECT_NEAR(static_cast<double>(s.percentile(99)), 250e6, 250e6 / 64);
  EXPECT_EQ(s.max(), 250'000'000u);
}

TEST(LatencyHistogram, CountsValuesAboveAThreshold) {
  LatencyHistogram h;
  for (int i = 0; i < 10; ++i) h.record(1'000'000);      // 1 ms
  for (int i = 0; i < 3; ++i) h.record(2'000'000'000);   // 2 s
  auto const s = h.snapshot();
  EXPECT_EQ(s.count_above(1'000'000'000), 3u);
  EXPECT_EQ(s.count_above(1'000'000), 3u);
  EXPECT_EQ(s.count_above(999'000), 13u);
  EXPECT_EQ(s.count_above(5'000'000'000), 0u);
}

TEST(LatencyHistogram, ASingleValueIsEveryPercentile) {
  LatencyHistogram h;
  h.record(123'456'789);
  auto const s = h.snapshot();
  for (double const p : {0.0, 1.0, 50.0, 99.0, 100.0}) EXPECT_EQ(s.percentile(p), 123'456'789u) << p;
}

TEST(LatencyHistogram, BucketsCoverTheWholeRangeInOrder) {
  EXPECT_EQ(LatencyHistogram::bucket_of(0), 0u);
  EXPECT_EQ(LatencyHistogram::bucket_of(UINT64_MAX), LatencyHistogram::bucket_count - 1);
  EXPECT_EQ(LatencyHistogram::bucket_upper(LatencyHistogram::bucket_count - 1), UINT64_MAX);
  for (std::uint64_t v : {63ull, 64ull, 65ull, 127ull, 128ull, 1000ull, 123456789ull, 1ull << 40}) {
    auto const b = LatencyHistogram::bucket_of(v);
    EXPECT_GE(LatencyHistogram::bucket_upper(b), v);
    if (b > 0) {
      EXPECT_LT(LatencyHistogram::bucket_upper(b - 1), v);
    }
  }
}

TEST(LatencyHistogram, ConcurrentRecordersLoseNothing) {
  LatencyHistogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < 20000; ++i) h.record(static_cast<std::uint64_t>(1000 * (t + 1)));
    });
  }
  for (auto& t : threads) t.join();
  auto const s = h.snapshot();
  EXPECT_EQ(s.count(), 80000u);
  EXPECT_EQ(s.max(), 4000u);
  EXPECT_EQ(s.min(), 1000u);
  EXPECT_NEAR(static_cast<double>(s.percentile(50)), 2000.0, 2000.0 / 64);
}

}  // namespace
