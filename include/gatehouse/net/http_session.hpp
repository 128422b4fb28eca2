#pragma once
// One coroutine per connection: read a request under a deadline, dispatch it, write the
// response, loop while keep-alive. Included only by the server wiring (it pulls in Asio).
#include "gatehouse/api/dispatcher.hpp"
#include "gatehouse/net/connection_registry.hpp"
#include "gatehouse/net/stream_context.hpp"
#include "gatehouse/net/tls_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>

namespace gatehouse::net {

struct HttpLimits {
  std::size_t header_limit = 16 * 1024;  // request line + headers
  std::size_t target_limit = 8 * 1024;
  std::size_t body_limit = 64 * 1024;
  std::chrono::seconds request_timeout{30};  // to receive one whole request
  std::chrono::seconds idle_timeout{60};     // between keep-alive requests
  std::chrono::seconds write_timeout{30};
  std::size_t max_connections = 0;  // 0: no cap; over it a new connection gets 503 and is closed
};

// A response carrying a StreamUpgrade hands the connection to the SSE or WebSocket session.
boost::asio::awaitable<void> serve_http_connection(boost::asio::ip::tcp::socket socket, api::Dispatcher const& dispatcher,
                                                   StreamContext& streams, HttpLimits limits);

// The same over TLS: the handshake first, under the request deadline; a failed one is counted,
// logged at debug and the connection closed. Ends with close_notify.
boost::asio::awaitable<void> serve_https_connection(boost::asio::ip::tcp::socket socket, TlsContextPtr tls,
                                                    api::Dispatcher const& dispatcher, StreamContext& streams,
                                                    HttpLimits limits);

}  // namespace gatehouse::net
