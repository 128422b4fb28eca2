#pragma once
// A latency histogram for many concurrent recorders: log-linear buckets (exact below 64 ns, then
// 64 sub-buckets per power of two, so any reported value is within 1/64 (1.6 %) of a recorded
// one), relaxed atomic counters, and a snapshot that answers percentiles.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gatehouse::loadgen {

class LatencySnapshot {
 public:
  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  // The smallest recorded value (to bucket precision) that at least `percent` % of the recorded
  // values do not exceed; 0 when nothing was recorded. percentile(100) is the exact maximum.
  std::uint64_t percentile(double percent) const;
  // How many recorded values exceed `value` (to bucket precision: values in value's bucket count
  // as not exceeding it).
  std::uint64_t count_above(std::uint64_t value) const;

 private:
  friend class LatencyHistogram;
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  double sum_ = 0;
};

class LatencyHistogram {
 public:
  static constexpr unsigned sub_bucket_bits = 6;
  static constexpr std::uint64_t sub_buckets = std::uint64_t{1} << sub_bucket_bits;
  static constexpr std::size_t bucket_count = sub_buckets + (64 - sub_bucket_bits) * sub_buckets;

  LatencyHistogram();

  // Thread-safe; values are nanoseconds (any unit works, the buckets are unit-free).
  void record(std::uint64_t value);
  LatencySnapshot snapshot() const;

  static std::size_t bucket_of(std::uint64_t value);
  // The largest value that falls into the bucket.
  static std::uint64_t bucket_upper(std::size_t bucket);

 private:
  std::array<std::atomic<std::uint64_t>, bucket_count> counts_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> min_{UINT64_MAX};
  std::atomic<std::uint64_t> max_{0};
  std::atomic<std::uint64_t> sum_low_{0};  // sum modulo 2^64 ...
  std::atomic<std::uint64_t> sum_high_{0};  // ... and its carries
};

}  // namespace gatehouse::loadgen
