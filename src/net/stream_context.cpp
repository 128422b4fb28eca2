#include "gatehouse/net/stream_context.hpp"

#include <algorithm>

namespace gatehouse::net {

std::chrono::seconds websocket_idle_timeout(StreamContext const& ctx) {
  return std::max<std::chrono::seconds>(ctx.heartbeat * 2, std::chrono::seconds(20));
}

}  // namespace gatehouse::net
