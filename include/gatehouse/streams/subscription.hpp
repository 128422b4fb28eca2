#pragma once
// One stream connection's side of the event hub, whatever carries it: replay then live
// delivery of each research it follows, heartbeats (the session checked and extended), the
// WebSocket protocol's commands and replies, and why it ends. The SSE and WebSocket sessions
// only move bytes: they ask next() what to write, write it, and frame its close reason.
//
// Everything here runs on the connection's executor except the outbox's producers (the hub on
// the database thread), which wake the connection through its timer. Registrations release
// themselves: the destructor leaves the hub and the stream registry however the connection ends.
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/auth/session_extender.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/streams/event_hub.hpp"
#include "gatehouse/streams/outbox.hpp"
#include "gatehouse/streams/stream_registry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::streams {

// What every stream shares.
struct SubscriptionContext {
  store::DbExecutor& db;
  EventHub& hub;
  StreamRegistry& registry;
  auth::SessionExtender& extender;
  std::chrono::seconds heartbeat{15};
  std::size_t outbox_capacity = 1024;   // queued frames before a subscriber counts as too slow
  std::size_t replay_page = 256;        // stored events read per database step
  std::size_t max_subscriptions = 100;  // per WebSocket
  std::size_t max_inbox = 64;           // unprocessed client messages before a WebSocket counts as flooding
};

// What the transport does next: write `frames` in order; then, when `close` is set, frame that
// reason and close; `heartbeat` asks an SSE stream for its keepalive comment.
struct StreamStep {
  std::vector<OutboxItem> frames;
  CloseReason close = CloseReason::none;
  bool heartbeat = false;
};

class Subscription {
 public:
  // Registers the stream under the caller's credentials. An SSE stream follows one research from
  // after_seq; a WebSocket opens with its welcome and follows what its client subscribes to.
  Subscription(SubscriptionContext& ctx, auth::Caller caller, Format format, boost::asio::any_io_executor executor);
  ~Subscription();
  Subscription(Subscription const&) = delete;
  Subscription& operator=(Subscription const&) = delete;

  // SSE: the research the stream follows.
  void follow(std::string research_id, std::int64_t after_seq);

  // WebSocket: one client message (handled at the next step, in arrival order).
  void receive(std::string text, bool binary);

  // Waits for the next thing to write. A database failure while replaying ends the stream with
  // CloseReason::failed rather than escaping.
  boost::asio::awaitable<StreamStep> next();

  // Ends the stream at the next step (first reason wins): the client went away, say.
  void close(CloseReason reason);
  CloseReason close_reason() const;
  // For a watcher that may outlive this subscription (closing the outbox wakes next()).
  std::weak_ptr<Outbox> outbox() const;

  auth::Caller const& caller() const { return caller_; }

 private:
  struct Core;
  struct Followed {
    std::string research_id;
    std::int64_t after_seq = 0;
    std::optional<EventHub::SubscriptionId> hub_id;  // set: live
    bool finished = false;   // the research is done: nothing will follow
    bool announced = false;  // WebSocket: "subscribed" was queued
  };
  struct Inbound {
    std::string text;
    bool binary = false;
  };

  void handle(Inbound const& in);
  boost::asio::awaitable<void> replay_one_page(Followed& followed);
  CloseReason heartbeat_check();

  SubscriptionContext& ctx_;
  auth::Caller caller_;
  Format format_;
  std::shared_ptr<Core> core_;
  StreamRegistry::Registration registration_;
  std::vector<Followed> followed_;
  std::vector<Inbound> inbox_;
  std::chrono::steady_clock::time_point next_heartbeat_;
};

}  // namespace gatehouse::streams
