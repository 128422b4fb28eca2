#pragma once
// What a stream route hands to the connection once the request is authenticated and valid:
// the connection then leaves request/response mode for SSE or WebSocket.
#include "gatehouse/auth/caller.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::api {

struct StreamUpgrade {
  enum class Kind { sse, websocket };
  Kind kind = Kind::sse;
  auth::Caller caller;
  std::string research_id;         // SSE only
  std::int64_t last_event_id = 0;  // SSE only
  std::vector<std::pair<std::string_view, std::string>> response_headers;  // SSE: beyond the standard head
  std::string request_id;          // set by the HTTP layer: echoed in the handshake response
};

}  // namespace gatehouse::api
