#pragma once
// What the SSE and WebSocket sessions share: every stream's subscription context, the
// connection registry (shutdown), and the transport's own limits.
#include "gatehouse/net/connection_registry.hpp"

#include <chrono>
#include <cstddef>

namespace gatehouse::streams {
struct SubscriptionContext;
}

namespace gatehouse::net {

struct StreamContext {
  streams::SubscriptionContext& subscriptions;
  ConnectionRegistry& connections;
  std::chrono::seconds heartbeat{15};  // a WebSocket's idle timeout is derived from it
  std::size_t max_ws_message = 16 * 1024;
  std::chrono::seconds write_timeout{30};
};

// How long a WebSocket may stay silent: Beast pings an idle peer at half this and drops it if
// nothing comes back, so it must outlast the heartbeat with room for a slow round trip.
std::chrono::seconds websocket_idle_timeout(StreamContext const& ctx);

}  // namespace gatehouse::net
