#pragma once
// The parts of a stream connection that SSE and WebSocket share: the outbox, a timer that is
// both the heartbeat deadline and the wake-up (publishers cancel it through the connection's
// strand), and the session checks done at each heartbeat.
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/auth/session_extender.hpp"
#include "gatehouse/net/stream_context.hpp"
#include "gatehouse/streams/replay.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace gatehouse::net {

struct StreamCore {
  StreamCore(boost::asio::any_io_executor executor, std::size_t capacity)
      : outbox(std::make_shared<streams::Outbox>(capacity)), timer(std::move(executor)) {}

  std::shared_ptr<streams::Outbox> outbox;
  boost::asio::steady_timer timer;  // used on the connection's executor only
  std::atomic<bool> wake_posted{false};
  // A wake-up that came while the loop was busy (writing, reading the database) rather than
  // waiting: cancelling the timer then cancels nothing, so the next wait must not sleep.
  bool woken = false;  // used on the connection's executor only
  // Set when the loop is done with the socket: a readiness handler still queued must not touch it.
  bool socket_released = false;  // used on the connection's executor only
};

// Makes the outbox wake the connection: at most one wake-up in flight, posted to the
// connection's executor (publishers run on other threads).
void install_waker(std::shared_ptr<StreamCore> const& core);

// Wakes the loop from its own executor (the WebSocket reader).
inline void wake_now(StreamCore& core) {
  core.woken = true;
  core.timer.cancel();
}

// Sleeps until a wake-up or the deadline; returns at once when a wake-up came since the last
// wait (the outbox only wakes on its empty-to-non-empty edge, so a lost one would leave
// queued frames unsent until the next heartbeat).
boost::asio::awaitable<void> wait_for_wake(StreamCore& core, std::chrono::steady_clock::time_point deadline);

// At a heartbeat: none (and the session's expiry extended), revoked or expired.
streams::CloseReason heartbeat_check(auth::Caller const& caller, auth::SessionExtender& extender);

// One subscription's replay position on this connection.
struct StreamSubscription {
  std::string research_id;
  std::int64_t after_seq = 0;
  std::optional<streams::EventHub::SubscriptionId> hub_id;  // set: live
  bool finished = false;   // SSE: the research is done, nothing will follow
  bool announced = false;  // WebSocket: "subscribed" was queued
};

}  // namespace gatehouse::net
