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

}  // namespace gatehouse::net
