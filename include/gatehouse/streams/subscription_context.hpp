#pragma once
// What every stream's Subscription shares: where replays read, the hub, the registry that closes
// revoked credentials' streams, the session extender, and the limits.
#include "gatehouse/auth/session_extender.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/streams/event_hub.hpp"
#include "gatehouse/streams/stream_registry.hpp"

#include <chrono>
#include <cstddef>

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

}  // namespace gatehouse::streams
