#pragma once
// Per-client token buckets: `burst` requests at once, refilled at `per_second`. Sharded so
// that clients on different threads rarely share a lock, and bounded: idle (full) buckets are
// dropped when a shard grows past its share of max_clients, so a flood of distinct addresses
// costs bounded memory.

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gatehouse::api {

// A per-client token bucket: `burst` requests at once, refilled at `per_second`.
struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;
  bool enabled() const { return per_second > 0; }
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t max_clients = 100000;

  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // Takes one token; nullopt when allowed, else the whole seconds to wait (at least 1).
  std::optional<std::int64_t> acquire(std::string_view client, Clock::time_point now = Clock::now());
  // Whether the client has no token left, without taking one.
  std::optional<std::int64_t> exhausted(std::string_view client, Clock::time_point now = Clock::now());

  std::size_t client_count();

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr std::size_t shard_count = 16;

  RateLimit limit_;
  std::array<Shard, shard_count> shards_;

  std::optional<std::int64_t> take(std::string_view client, Clock::time_point now, bool consume);
  void refill(Bucket& b, Clock::time_point now) const;
  std::int64_t wait_seconds(Bucket const& b) const;
  void evict_idle(Shard& shard, Clock::time_point now);
};

}  // namespace gatehouse::api
