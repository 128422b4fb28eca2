#include "gatehouse/streams/sse_protocol.hpp"

namespace gatehouse::streams {

std::string_view sse_closing_frame(CloseReason reason) {
  switch (reason) {
    case CloseReason::revoked: return "event: revoked\ndata: {\"detail\":\"Token revoked\"}\n\n";
    case CloseReason::expired: return "event: revoked\ndata: {\"detail\":\"Token expired\"}\n\n";
    case CloseReason::overflow:
      return "event: error\ndata: {\"detail\":\"Subscriber too slow; reconnect with Last-Event-ID\"}\n\n";
    case CloseReason::failed:
      return "event: error\ndata: {\"detail\":\"Stream failed; reconnect with Last-Event-ID\"}\n\n";
    default: return {};
  }
}

}  // namespace gatehouse::streams
