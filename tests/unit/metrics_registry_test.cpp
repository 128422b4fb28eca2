// The metrics registry: exposition text that a strict parser accepts (escaping, histogram
// buckets), label sets found again by value, exact totals under concurrent updates, and
// collectors that end with their handle.
#include "gatehouse/metrics/registry.hpp"

#include "support/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

using namespace gatehouse::metrics;
using gatehouse::testing::parse_prometheus_text;

TEST(MetricsRegistry, RendersCountersGaugesAndHistogramsInTheTextFormat) {
  Registry r;
  auto& requests = r.counter("t_requests_total", "Requests.\nSecond line \\ kept.", {"route", "status"});
  requests.labels({"/a/{id}", "200"}).inc(3);
  requests.labels({"quote\"back\\slash\nnewline", "500"}).inc();
  r.gauge("t_temperature", "A gauge.").labels({}).set(-1.5);
  auto& h = r.histogram("t_latency_seconds", "A histogram.", {"kind"}, {0.1, 1, 0.5});
  h.labels({"read"}).observe(0.05);
  h.labels({"read"}).observe(0.1);  // "le" is inclusive
  h.labels({"read"}).observe(0.7);
  h.labels({"read"}).observe(30);

  std::string const text = r.render();
  auto const s = parse_prometheus_text(text);
  EXPECT_EQ(s.value("t_requests_total", {{"route", "/a/{id}"}, {"status", "200"}}), 3);
  EXPECT_EQ(s.value("t_requests_total", {{"route", "quote\"back\\slash\nnewline"}, {"status", "500"}}), 1);
  EXPECT_EQ(s.families.at("t_requests_total").help, "Requests.\\nSecond line \\\\ kept.");
  EXPECT_EQ(s.value("t_temperature"), -1.5);
  EXPECT_EQ(s.value("t_latency_seconds_bucket", {{"kind", "read"}, {"le", "0.1"}}), 2);
  EXPECT_EQ(s.value("t_latency_seconds_bucket", {{"kind", "read"}, {"le", "0.5"}}), 2);
  EXPECT_EQ(s.value("t_latency_seconds_bucket", {{"kind", "read"}, {"le", "1"}}), 3);
  EXPECT_EQ(s.value("t_latency_seconds_bucket", {{"kind", "read"}, {"le", "+Inf"}}), 4);
  EXPECT_EQ(s.value("t_latency_seconds_count", {{"kind", "read"}}), 4);
  EXPECT_DOUBLE_EQ(*s.value("t_latency_seconds_sum", {{"kind", "read"}}), 30.85);
}

TEST(MetricsRegistry, TheSameLabelValuesFindTheSameSeries) {
  Registry r;
  auto& f = r.counter("t_total", "T.", {"a", "b"});
  EXPECT_EQ(&f.labels({"x", "y"}), &f.labels({"x", "y"}));
  EXPECT_NE(&f.labels({"x", "y"}), &f.labels({"xy", ""}));  // values are kept apart, not concatenated
  EXPECT_NE(&f.labels({"x", "y"}), &f.labels({"y", "x"}));
}

TEST(MetricsRegistry, ConcurrentUpdatesAreAllCounted) {
  Registry r;
  auto& f = r.counter("t_total", "T.", {"route"});
  auto& h = r.histogram("t_seconds", "T.", {"route"}, latency_buckets());
  constexpr int threads = 4, per_thread = 20000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        // Every thread creates and updates the same new series at once, and one of its own.
        std::string const shared = "/r" + std::to_string(i % 50);
        f.labels({shared}).inc();
        f.labels({"/own" + std::to_string(t)}).inc();
        h.labels({shared}).observe(0.001);
      }
    });
  }
  for (auto& t : pool) t.join();
  auto const s = parse_prometheus_text(r.render());
  double shared_total = 0, histogram_total = 0;
  for (int i = 0; i < 50; ++i) {
    shared_total += s.counter("t_total", {{"route", "/r" + std::to_string(i)}});
    histogram_total += s.counter("t_seconds_count", {{"route", "/r" + std::to_string(i)}});
  }
  EXPECT_EQ(shared_total, threads * per_thread);
  EXPECT_EQ(histogram_total, threads * per_thread);
  for (int t = 0; t < threads; ++t) EXPECT_EQ(s.counter("t_total", {{"route", "/own" + std::to_string(t)}}), per_thread);
}

TEST(MetricsRegistry, LabelSetsBeyondTheLimitShareAnOverflowSeries) {
  Registry r;
  Family<Counter> f({"id"}, [] { return std::make_unique<Counter>(); }, 4);
  for (int i = 0; i < 10; ++i) f.labels({std::to_string(i)}).inc();
  auto const series = f.series();
  ASSERT_EQ(series.size(), 5u);
  EXPECT_EQ((*series.back().first)[0], "_overflow");
  EXPECT_EQ(series.back().second->value(), 6u);
}

TEST(MetricsRegistry, ACollectorRunsAtEachScrapeUntilItsHandleIsGone) {
  Registry r;
  int calls = 0;
  {
    auto handle = r.add_collector([&calls](Writer& w) {
      ++calls;
      w.header("t_open", "Open things.", Type::gauge);
      w.sample("t_open", {{"kind", "a"}}, 2.0);
    });
    auto const s = parse_prometheus_text(r.render());
    EXPECT_EQ(s.value("t_open", {{"kind", "a"}}), 2);
    EXPECT_EQ(calls, 1);
  }
  EXPECT_EQ(r.render().find("t_open"), std::string::npos);
  EXPECT_EQ(calls, 1);
}

}  // namespace
