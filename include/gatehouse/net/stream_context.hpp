#pragma once
// What the SSE and WebSocket sessions share.
#include "gatehouse/auth/session_extender.hpp"
#include "gatehouse/net/connection_registry.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/streams/event_hub.hpp"
#include "gatehouse/streams/stream_registry.hpp"

#include <chrono>

namespace gatehouse::net {

struct StreamContext {
  store::DbExecutor& db;
  streams::EventHub& hub;
  streams::StreamRegistry& registry;
  auth::SessionExtender& extender;
  ConnectionRegistry& connections;
  std::chrono::seconds heartbeat{15};
  std::size_t outbox_capacity = 1024;   // queued frames before a subscriber counts as too slow
  std::size_t replay_page = 256;        // stored events read per database step
  std::size_t max_subscriptions = 100;  // per WebSocket
  std::size_t max_ws_message = 16 * 1024;
  std::chrono::seconds write_timeout{30};
};

}  // namespace gatehouse::net
