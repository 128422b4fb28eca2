#include "gatehouse/streams/event_hub.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>

namespace gatehouse::streams {

namespace {
std::string json_string(std::string const& s) { return boost::json::serialize(boost::json::string(s)); }
}  // namespace

FormattedEvent format_event(store::EventRecord const& e) {
  FormattedEvent f;
  f.seq = e.seq;
  f.done = e.event == "done";
  std::string const seq = std::to_string(e.seq);
  // Event names hold no control characters (checked on POST) and data_json is serialized
  // without line breaks, so each field stays on its one line.
  f.sse = std::make_shared<std::string const>("id: " + seq + "\nevent: " + e.event + "\ndata: " + e.data_json + "\n\n");
  f.ws = std::make_shared<std::string const>("{\"type\":\"event\",\"research_id\":" + json_string(e.research_id) +
                                             ",\"seq\":" + seq + ",\"event\":" + json_string(e.event) +
                                             ",\"data\":" + e.data_json + "}");
  return f;
}

std::optional<EventHub::SubscriptionId> EventHub::subscribe(std::string const& research_id,
                                                            std::shared_ptr<Outbox> outbox, Format format,
                                                            std::int64_t after_seq) {
  std::lock_guard lock(mutex_);
  std::int64_t last_seq = after_seq;
  if (auto it = recent_.find(research_id); it != recent_.end() && !it->second.ring.empty()) {
    auto const& ring = it->second.ring;
    if (ring.back().seq > after_seq) {
      if (ring.front().seq > after_seq + 1) return std::nullopt;  // published beyond what the ring holds
      for (auto const& e : ring) {
        if (e.seq > after_seq) outbox->push(e.item(format));
      }
      last_seq = ring.back().seq;
    }
  }
  SubscriptionId const id = next_id_++;
  by_research_[research_id].push_back(Subscriber{id, outbox, format, last_seq});
  ++count_;
  return id;
}

void EventHub::forget_quiet_items(std::chrono::steady_clock::time_point now) {
  std::erase_if(recent_, [now](auto const& entry) { return now - entry.second.published_at > recent_for; });
}

void EventHub::unsubscribe(std::string const& research_id, SubscriptionId id) {
  std::lock_guard lock(mutex_);
  auto it = by_research_.find(research_id);
  if (it == by_research_.end()) return;
  auto& subs = it->second;
  auto const before = subs.size();
  std::erase_if(subs, [id](Subscriber const& s) { return s.id == id; });
  count_ -= before - subs.size();
  if (subs.empty()) by_research_.erase(it);
}

void EventHub::publish(store::EventRecord const& event) {
  published_.fetch_add(1, std::memory_order_relaxed);
  FormattedEvent const formatted = format_event(event);
  auto const now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (++publishes_since_sweep_ >= 4096) {
    publishes_since_sweep_ = 0;
    forget_quiet_items(now);
  }
  auto& recent = recent_[event.research_id];
  if (recent.ring.empty() || event.seq > recent.ring.back().seq) {
    recent.ring.push_back(formatted);
    if (recent.ring.size() > ring_size) recent.ring.pop_front();
  }
  recent.published_at = now;
  auto it = by_research_.find(event.research_id);
  if (it == by_research_.end()) return;
  std::uint64_t delivered = 0;
  auto& subs = it->second;
  for (auto& sub : subs) {
    // Replay already covered seq <= last_seq: never a duplicate.
    if (event.seq <= sub.last_seq) continue;
    auto outbox = sub.outbox.lock();
    if (!outbox) continue;
    sub.last_seq = event.seq;
    if (outbox->push(formatted.item(sub.format))) ++delivered;
  }
  // Connections that went away without unsubscribing are dropped here.
  auto const before = subs.size();
  std::erase_if(subs, [](Subscriber const& s) { return s.outbox.expired(); });
  count_ -= before - subs.size();
  if (subs.empty()) by_research_.erase(it);
  delivered_.fetch_add(delivered, std::memory_order_relaxed);
}

std::size_t EventHub::subscriptions() const {
  std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace gatehouse::streams
