#pragma once
// A small Prometheus registry: counters, gauges and fixed-bucket histograms, each in a family
// of label sets, rendered in the text exposition format (version 0.0.4).
//
// The hot path takes no lock. Updating a metric is one relaxed atomic add; finding a family's
// series by label values is a probe of a fixed, insert-only open-addressing table of atomic
// pointers, so concurrent requests never wait on one another (a new label set is published
// with one compare-and-swap). Registering families and rendering take a mutex: both are rare.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::metrics {

// Each hot metric owns its cache line, so two threads bumping neighbouring series do not
// contend on one line.
class alignas(64) Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class alignas(64) Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // bounds: the finite upper bounds, ascending; the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> bounds);

  void observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // bounds.size() + 1 entries, the last is +Inf
    double sum = 0;
    std::uint64_t count = 0;  // always cumulative.back(): one scrape is self-consistent
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  // Per-bucket (not cumulative) counts, so an observation is one add; summed when scraped.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

enum class Type { counter, gauge, histogram };

// Writes exposition text with the format's escaping; used by the registry and by collectors.
class Writer {
 public:
  using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

  void header(std::string_view name, std::string_view help, Type type);
  void sample(std::string_view name, Labels const& labels, double value);
  void sample(std::string_view name, Labels const& labels, std::uint64_t value);
  // A histogram's _bucket, _sum and _count lines; labels come before "le".
  void histogram(std::string_view name, Labels const& labels, Histogram::Snapshot const& snapshot);

  std::string const& text() const { return out_; }

 private:
  void labels_of(Labels const& labels);
  std::string out_;
};

// A metric and its label sets. At most max_series label sets are kept; past that, updates go
// to one series whose label values are all "_overflow" (a bug guard: our labels are bounded).
template <typename T>
class Family {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;

  Family(std::vector<std::string> label_names, Factory make, std::size_t max_series = 1024);
  ~Family();
  Family(Family const&) = delete;
  Family& operator=(Family const&) = delete;

  // The series for these label values (as many as there are label names), created on first use.
  T& labels(std::initializer_list<std::string_view> values);

  std::vector<std::string> const& label_names() const { return label_names_; }
  // Every series, sorted by label values (a stable order for readers and diffs).
  std::vector<std::pair<std::vector<std::string> const*, T const*>> series() const;

 private:
  struct Node {
    std::uint64_t hash;
    std::vector<std::string> values;
    std::unique_ptr<T> metric;
  };
  static std::uint64_t hash_of(std::initializer_list<std::string_view> values);
  static bool same(Node const& node, std::initializer_list<std::string_view> values);

  std::vector<std::string> label_names_;
  Factory make_;
  std::size_t max_series_;
  std::size_t mask_;
  std::unique_ptr<std::atomic<Node*>[]> slots_;
  std::atomic<std::size_t> size_{0};
  Node overflow_;
};

// Registered once at start (the mutex is not on the hot path), rendered per scrape.
class Registry {
 public:
  Registry();
  ~Registry();

  Family<Counter>& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(std::string name, std::string help, std::vector<std::string> label_names,
                               std::vector<double> bounds);

  // Values read at scrape time from their owners (stream counts, the JWKS status). The
  // collector is removed when the returned handle is destroyed, so it never outlives what it
  // reads.
  using Collector = std::function<void(Writer&)>;
  class CollectorHandle {
   public:
    CollectorHandle() = default;
    CollectorHandle(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
    CollectorHandle(CollectorHandle&& other) noexcept;
    CollectorHandle& operator=(CollectorHandle&& other) noexcept;
    ~CollectorHandle();

   private:
    Registry* registry_ = nullptr;
    std::uint64_t id_ = 0;
  };
  [[nodiscard]] CollectorHandle add_collector(Collector collect);

  std::string render() const;

 private:
  struct Entry;
  void remove_collector(std::uint64_t id);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> families_;
  std::vector<std::pair<std::uint64_t, Collector>> collectors_;
  std::uint64_t next_collector_ = 1;
};

// The process-wide registry that GET /metrics renders.
Registry& registry();

// Standard latency buckets in seconds: 0.5 ms to 10 s.
std::vector<double> latency_buckets();

}  // namespace gatehouse::metrics
