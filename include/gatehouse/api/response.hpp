#pragma once
#include "gatehouse/auth/caller.hpp"

#include <boost/json/value.hpp>

#include <cstdint>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::api {

// What a stream route hands to the connection once the request is authenticated and valid:
// the connection then leaves request/response mode for SSE or WebSocket.
struct StreamUpgrade {
  enum class Kind { sse, websocket };
  Kind kind = Kind::sse;
  auth::Caller caller;
  std::string research_id;         // SSE only
  std::int64_t last_event_id = 0;  // SSE only
  std::vector<std::pair<std::string_view, std::string>> response_headers;  // SSE: beyond the standard head
  std::string request_id;          // set by the HTTP layer: echoed in the handshake response
};

struct Response {
  int status = 200;
  std::string body;
  std::string_view content_type = "application/json";
  std::vector<std::pair<std::string_view, std::string>> headers;  // beyond the standard set
  std::shared_ptr<StreamUpgrade const> upgrade;                    // set: switch to a stream
  bool close_connection = false;                                   // the connection ends after this response
};

Response json_response(int status, boost::json::value const& body);
Response empty_response(int status);  // 204 and friends

}  // namespace gatehouse::api
