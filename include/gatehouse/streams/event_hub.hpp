#pragma once
// Fan-out of research events to every subscribed stream. publish() runs per research in seq
// order: on one node from the commit hook of the event's insert (on the database thread), with
// several nodes from the changes feed (on its thread). Each event is formatted once (an SSE
// frame and a WebSocket message) and the same buffers are queued to every subscriber.
//
// A subscriber attaches after replaying stored events up to some seq. What the hub published
// after that seq and before the attach (an event committed after the replay's snapshot, which
// the feed delivered meanwhile) is handed over at the attach from a short ring of each item's
// recent events, under the same lock as publish, so nothing falls in between; when the ring
// does not reach back far enough, the attach is refused and the subscriber replays again.
#include "gatehouse/store/records.hpp"
#include "gatehouse/streams/outbox.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace gatehouse::streams {

enum class Format { sse, ws };

struct FormattedEvent {
  std::int64_t seq = 0;
  bool done = false;
  std::shared_ptr<std::string const> sse;  // "id: N\nevent: E\ndata: D\n\n"
  std::shared_ptr<std::string const> ws;   // {"type":"event","research_id",...,"data":D}

  OutboxItem item(Format format) const { return {format == Format::sse ? sse : ws, done}; }
};

FormattedEvent format_event(store::EventRecord const& event);

class EventHub {
 public:
  using SubscriptionId = std::uint64_t;

  // Events with seq > after_seq go to the outbox from now on, those already published first.
  // Nullopt: the hub published more after after_seq than it still holds; replay further.
  std::optional<SubscriptionId> subscribe(std::string const& research_id, std::shared_ptr<Outbox> outbox,
                                          Format format, std::int64_t after_seq);
  void unsubscribe(std::string const& research_id, SubscriptionId id);

  void publish(store::EventRecord const& event);

  std::size_t subscriptions() const;
  std::uint64_t published() const { return published_.load(std::memory_order_relaxed); }
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }

 private:
  struct Subscriber {
    SubscriptionId id;
    std::weak_ptr<Outbox> outbox;
    Format format;
    std::int64_t last_seq;
  };
  // The last events published for an item, kept a minute after its last publish.
  struct Recent {
    std::deque<FormattedEvent> ring;
    std::chrono::steady_clock::time_point published_at;
  };
  static constexpr std::size_t ring_size = 32;
  static constexpr std::chrono::seconds recent_for{60};

  void forget_quiet_items(std::chrono::steady_clock::time_point now);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<Subscriber>> by_research_;
  std::unordered_map<std::string, Recent> recent_;
  std::uint64_t publishes_since_sweep_ = 0;
  SubscriptionId next_id_ = 1;
  std::size_t count_ = 0;
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace gatehouse::streams
