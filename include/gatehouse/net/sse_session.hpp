#pragma once
// Server-Sent Events for GET /research/{id}/events, after the route has authenticated the
// request: stored events after Last-Event-ID, then live ones, a keepalive comment each
// heartbeat, `event: revoked` and close on revocation, close after the "done" event.
#include "gatehouse/api/response.hpp"
#include "gatehouse/net/stream_context.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::net {

// Owns the connection (and its registration, released when the stream ends) from here on.
// Transport: the bare socket (see serve_websocket) or the TLS stream; instantiated for both in
// sse_session.cpp.
template <typename Transport>
boost::asio::awaitable<void> serve_sse(Transport transport, api::StreamUpgrade upgrade, StreamContext& ctx,
                                       ConnectionRegistry::Registration registration);

}  // namespace gatehouse::net
