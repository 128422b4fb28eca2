#pragma once
// Fan-out of research events to every subscribed stream. publish() is called on the database
// thread from the commit hook of the event's insert, so per research it runs in seq order;
// each event is formatted once (an SSE frame and a WebSocket message) and the same buffers
// are queued to every subscriber.
#include "gatehouse/store/records.hpp"
#include "gatehouse/streams/outbox.hpp"

#include <atomic>
#include <cstdint>
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

  // Events with seq > after_seq published from now on go to the outbox.
  SubscriptionId subscribe(std::string const& research_id, std::shared_ptr<Outbox> outbox, Format format,
                           std::int64_t after_seq);
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
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<Subscriber>> by_research_;
  SubscriptionId next_id_ = 1;
  std::size_t count_ = 0;
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace gatehouse::streams
