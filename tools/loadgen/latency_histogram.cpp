#include "loadgen/latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace gatehouse::loadgen {

LatencyHistogram::LatencyHistogram() {
  for (auto& c : counts_) c.store(0, std::memory_order_relaxed);
}

std::size_t LatencyHistogram::bucket_of(std::uint64_t value) {
  if (value < sub_buckets) return static_cast<std::size_t>(value);
  unsigned const exponent = static_cast<unsigned>(std::bit_width(value)) - 1;  // >= sub_bucket_bits
  unsigned const shift = exponent - sub_bucket_bits;
  std::uint64_t const sub = (value >> shift) - sub_buckets;  // 0 .. sub_buckets-1
  return static_cast<std::size_t>(sub_buckets + shift * sub_buckets + sub);
}

std::uint64_t LatencyHistogram::bucket_upper(std::size_t bucket) {
  if (bucket < sub_buckets) return bucket;
  std::uint64_t const shift = (bucket - sub_buckets) / sub_buckets;
  std::uint64_t const sub = (bucket - sub_buckets) % sub_buckets;
  std::uint64_t const lower = (sub_buckets + sub) << shift;
  return lower + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t value) {
  counts_[bucket_of(value)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t const before = sum_low_.fetch_add(value, std::memory_order_relaxed);
  if (before + value < before) sum_high_.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t seen = min_.load(std::memory_order_relaxed);
  while (value < seen && !min_.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
  seen = max_.load(std::memory_order_relaxed);
  while (value > seen && !max_.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

LatencySnapshot LatencyHistogram::snapshot() const {
  LatencySnapshot s;
  s.counts_.resize(bucket_count);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    s.counts_[i] = counts_[i].load(std::memory_order_relaxed);
    total += s.counts_[i];
  }
  // Counted from the buckets so that percentiles and count agree while recorders are running.
  s.count_ = total;
  s.min_ = min_.load(std::memory_order_relaxed);
  s.max_ = max_.load(std::memory_order_relaxed);
  s.sum_ = std::ldexp(static_cast<double>(sum_high_.load(std::memory_order_relaxed)), 64) +
           static_cast<double>(sum_low_.load(std::memory_order_relaxed));
  return s;
}

std::uint64_t LatencySnapshot::percentile(double percent) const {
  if (count_ == 0) return 0;
  if (!(percent < 100.0)) return max_;
  if (!(percent > 0.0)) return min_;
  // The epsilon keeps 0.98 * 1000 from rounding up to rank 981.
  auto rank = static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_) - 1e-9));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      std::uint64_t const upper = LatencyHistogram::bucket_upper(i);
      // A bucket's upper edge may lie beyond anything recorded.
      if (upper > max_) return max_;
      return upper < min_ ? min_ : upper;
    }
  }
  return max_;
}

std::uint64_t LatencySnapshot::count_above(std::uint64_t value) const {
  std::uint64_t above = 0;
  for (std::size_t i = LatencyHistogram::bucket_of(value) + 1; i < counts_.size(); ++i) above += counts_[i];
  return above;
}

}  // namespace gatehouse::loadgen
