#include "gatehouse/api/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace gatehouse::api {

void RateLimiter::refill(Bucket& b, Clock::time_point now) const {
  double const elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.per_second);
    b.updated = now;
  }
}

std::int64_t RateLimiter::wait_seconds(Bucket const& b) const {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - b.tokens) / limit_.per_second)));
}

void RateLimiter::evict_idle(Shard& shard, Clock::time_point now) {
  std::erase_if(shard.buckets, [&](auto const& entry) {
    Bucket b = entry.second;
    refill(b, now);
    return b.tokens >= limit_.burst;  // a full bucket is the same as no bucket
  });
  // Still nearly full: a flood of fresh addresses. Forgetting an eighth of them only forgives
  // them, and leaves room for many inserts before the next sweep (amortised O(1) per client).
  std::size_t const room = max_clients / shard_count - max_clients / shard_count / 8;
  while (shard.buckets.size() > room) shard.buckets.erase(shard.buckets.begin());
}

std::optional<std::int64_t> RateLimiter::take(std::string_view client, Clock::time_point now, bool consume) {
  if (!limit_.enabled()) return std::nullopt;
  Shard& shard = shards_[std::hash<std::string_view>{}(client) % shard_count];
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(std::string(client));
  if (it == shard.buckets.end()) {
    if (!consume) return std::nullopt;
    if (shard.buckets.size() >= max_clients / shard_count) evict_idle(shard, now);
    it = shard.buckets.emplace(std::string(client), Bucket{limit_.burst, now}).first;
  }
  Bucket& b = it->second;
  refill(b, now);
  if (b.tokens < 1.0) return wait_seconds(b);
  if (consume) b.tokens -= 1.0;
  return std::nullopt;
}

std::size_t RateLimiter::client_count() {
  std::size_t n = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.buckets.size();
  }
  return n;
}

std::optional<std::int64_t> RateLimiter::acquire(std::string_view client, Clock::time_point now) {
  return take(client, now, true);
}

std::optional<std::int64_t> RateLimiter::exhausted(std::string_view client, Clock::time_point now) {
  return take(client, now, false);
}

}  // namespace gatehouse::api
