#pragma once
// What the run counts, shared by every connection on every thread: relaxed atomics for the hot
// counters, a small mutex-guarded table for failure reasons (failures are the rare path).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/system/error_code.hpp>

namespace gatehouse::loadgen {

// Nanoseconds on the steady clock (CLOCK_MONOTONIC: one clock for every thread of this process).
inline std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

// Failures counted by reason ("http 401", "timeout", "reset", ...); at most `limit` distinct
// reasons, the rest count as "other".
class ReasonCounter {
 public:
  void add(std::string const& reason);
  std::map<std::string, std::uint64_t> snapshot() const;

 private:
  static constexpr std::size_t limit = 64;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> counts_;
};

// A short, stable name for a transport error: "timeout", "reset", "connection refused",
// "too many open files", "no free source port", "eof", "ws close 4401 Token revoked", ...
std::string describe(boost::system::error_code ec);

struct Stats {
  explicit Stats(std::size_t research_count);

  // Setup.
  std::atomic<std::uint64_t> sessions_ok{0};
  std::atomic<std::uint64_t> sessions_failed{0};
  std::atomic<std::uint64_t> research_ok{0};
  std::atomic<std::uint64_t> research_failed{0};
  ReasonCounter setup_failures;

  // Streams.
  std::atomic<std::uint64_t> attempted{0};
  std::atomic<std::uint64_t> upgraded{0};    // 101 (WS) or 200 (SSE) received
  std::atomic<std::uint64_t> ws_upgraded{0};
  std::atomic<std::uint64_t> sse_upgraded{0};
  std::atomic<std::uint64_t> subscribed{0};  // live: WS "subscribed" received, SSE stream started
  std::atomic<std::uint64_t> failed{0};      // never became live
  std::atomic<std::uint64_t> dropped{0};     // live, then closed before the end of the run
  std::atomic<std::uint64_t> live{0};        // live now
  std::atomic<std::uint64_t> inflight{0};    // being set up now
  std::atomic<int> diagnostics{0};           // failures and drops described on stderr so far
  std::atomic<std::uint64_t> first_attempt_ns{0};
  std::atomic<std::uint64_t> last_upgrade_ns{0};
  ReasonCounter connect_failures;
  ReasonCounter drops;
  std::unique_ptr<std::atomic<std::uint32_t>[]> subscribers;  // live subscribers per research item

  // Events.
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> publish_failed{0};
  std::atomic<std::uint64_t> expected_deliveries{0};  // sum of live subscribers at each publish
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> stream_errors{0};  // WS {"type":"error"} messages after subscribing
  ReasonCounter publish_failures;

  void note_upgrade(std::uint64_t now_ns);
};

}  // namespace gatehouse::loadgen
