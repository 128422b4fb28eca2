#pragma once
// The stream clients: one coroutine per connection, no thread and no buffer held per idle
// connection beyond the socket and the coroutine frame.
// - WebSocket: GET /ws with the session token, {"type":"subscribe",...}, then events.
// - SSE: GET /research/{id}/events with the session token, then the event stream.
// A stream is "live" once subscribed (WS "subscribed" received; SSE 200 received). Failures before
// that count by reason; closes after that count as drops (unless the run is ending).
#include "loadgen/run.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::loadgen {

// Opens run.plan.streams streams at --connect-rate with at most --max-inflight being set up at
// once, spread over the io_contexts and source addresses. Returns when every stream is live or
// has failed (or the run is stopping).
boost::asio::awaitable<void> open_streams(Run& run);

}  // namespace gatehouse::loadgen
