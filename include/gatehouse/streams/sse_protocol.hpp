#pragma once
// The server's side of an event stream beyond the events themselves (formatted by the hub):
// the keepalive comment and the last frame before a close.
#include "gatehouse/streams/outbox.hpp"

#include <string_view>

namespace gatehouse::streams {

inline constexpr std::string_view sse_keepalive = ": keepalive\n\n";

// `event: revoked` on revocation or expiry (the contract), `event: error` for a subscriber too
// slow or a stream that could not be served; nothing for the other reasons.
std::string_view sse_closing_frame(CloseReason reason);

}  // namespace gatehouse::streams
