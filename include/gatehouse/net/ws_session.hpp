#pragma once
// The WebSocket endpoint GET /ws, after the route has authenticated the upgrade request:
// welcome, subscribe (replay after after_seq, then live), unsubscribe, ping/pong, errors that
// leave the socket open, and close 4401 on revocation or expiry.
#include "gatehouse/api/response.hpp"
#include "gatehouse/net/stream_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace gatehouse::net {

// Transport: a plain connection hands over the bare socket, not a beast::tcp_stream: moving a
// tcp_stream allocates a new state and leaves the old one allocated in the moved-from object,
// which a coroutine parameter keeps for the life of the stream. A TLS connection hands over its
// TlsStream, which moves by pointer. Instantiated for each in its own translation unit
// (ws_session.cpp, ws_session_tls.cpp: the longest compile steps, so they build in parallel).
template <typename Transport>
boost::asio::awaitable<void> serve_websocket(Transport transport,
                                             boost::beast::http::request<boost::beast::http::string_body> request,
                                             api::StreamUpgrade upgrade, StreamContext& ctx,
                                             ConnectionRegistry::Registration registration);

}  // namespace gatehouse::net
