#pragma once
// serve_websocket's definition, instantiated once per transport in ws_session.cpp and
// ws_session_tls.cpp. The socket's bytes only: the protocol (welcome, subscriptions, replies,
// replay and live events, heartbeats, close reasons) is the Subscription's.
#include "gatehouse/net.hpp"
#include "gatehouse/net/ws_session.hpp"
#include "gatehouse/streams/subscription.hpp"
#include "gatehouse/streams/ws_protocol.hpp"
#include "gatehouse/util/spawn.hpp"
#include "net/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <array>
#include <optional>
#include <type_traits>
#include <utility>

namespace gatehouse::net::ws_detail {

using streams::CloseReason;

inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// A WebSocket keeps its deadlines itself (Beast's websocket timeouts), so a plain one sits on
// the bare socket: a tcp_stream's timer state and its read operation cost every idle stream
// about 0.25 KiB (measured at 19,000 streams).
// Under TLS the ssl_stream keeps its tcp_stream, as the HTTP connection made it.
template <typename Transport>
using WsNextLayer = std::conditional_t<TransportTraits<Transport>::tls, TlsStream, asio::ip::tcp::socket>;

inline asio::ip::tcp::socket& socket_of(asio::ip::tcp::socket& s) { return s; }
inline asio::ip::tcp::socket& socket_of(beast::tcp_stream& s) { return s.socket(); }

// Shared by the reader and the writer (both on the connection's executor); the reader may
// outlive the writer's coroutine by a moment (until the closed socket ends its read).
template <typename Transport>
struct WsConnection {
  explicit WsConnection(Transport&& t) : ws(std::move(t)) {}
  websocket::stream<WsNextLayer<Transport>> ws;
  std::optional<streams::Subscription> subscription;  // from a successful handshake on
  bool reader_done = false;
};

// Reads frame by frame into a small chunk and assembles each message in a string, rather than
// async_read into a flat_buffer: that read prepares (allocates) a 1536-byte buffer before it
// waits, which an idle stream would hold for its whole life. read_message_max applies the same.
// However the writer's coroutine ends: the stream's registrations go, and closing the socket
// ends the reader, which would otherwise keep the connection alive.
template <typename Transport>
struct EndConnection {
  explicit EndConnection(std::shared_ptr<WsConnection<Transport>> connection) : c(std::move(connection)) {}
  std::shared_ptr<WsConnection<Transport>> c;
  EndConnection(EndConnection const&) = delete;
  EndConnection& operator=(EndConnection const&) = delete;
  ~EndConnection() {
    c->subscription.reset();
    beast::error_code ignored;
    socket_of(beast::get_lowest_layer(c->ws)).shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_of(beast::get_lowest_layer(c->ws)).close(ignored);
  }
};

template <typename Transport>
asio::awaitable<void> read_messages(std::shared_ptr<WsConnection<Transport>> c) {
  std::string text;
  for (;;) {
    std::array<char, 256> chunk;
    auto [ec, n] = co_await c->ws.async_read_some(asio::buffer(chunk), use_nothrow);
    if (ec) break;
    text.append(chunk.data(), n);
    if (!c->ws.is_message_done()) continue;
    if (!c->subscription) break;  // the writer is done with the connection
    c->subscription->receive(std::exchange(text, std::string()), !c->ws.got_text());
    if (c->subscription->close_reason() == CloseReason::overflow) break;
  }
  c->reader_done = true;
  if (c->subscription) c->subscription->close(CloseReason::client_gone);  // no-op when another reason came first
}

template <typename Transport>
asio::awaitable<void> serve(Transport transport, http::request<http::string_body> request, api::StreamUpgrade upgrade,
                            StreamContext& ctx, [[maybe_unused]] ConnectionRegistry::Registration registration) {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = websocket_idle_timeout(ctx);
  timeouts.keep_alive_pings = true;

  auto const c = std::make_shared<WsConnection<Transport>>(std::move(transport));
  EndConnection<Transport> const end(c);
  c->ws.set_option(timeouts);
  c->ws.read_message_max(ctx.max_ws_message);
  if constexpr (TransportTraits<Transport>::tls) beast::get_lowest_layer(c->ws).expires_never();
  c->ws.set_option(websocket::stream_base::decorator(
      [id = upgrade.request_id](websocket::response_type& res) { res.set("X-Request-Id", id); }));
  auto [accept_ec] = co_await c->ws.async_accept(request, use_nothrow);
  request = {};  // the upgrade request is not needed any more: free it for the idle connection
  if (!accept_ec) {
    // Registered only once the handshake succeeded.
    c->subscription.emplace(ctx.subscriptions, std::move(upgrade.caller), streams::Format::ws, c->ws.get_executor());
    asio::co_spawn(c->ws.get_executor(), read_messages(c), report_failures("websocket reader"));
  }

  while (c->subscription) {
    auto const step = co_await c->subscription->next();
    bool write_failed = false;
    for (auto const& item : step.frames) {
      auto [ec, n] = co_await c->ws.async_write(asio::buffer(*item.text), use_nothrow);
      if (ec) {
        write_failed = true;
        break;
      }
    }
    if (write_failed) break;
    if (step.close != CloseReason::none) {
      if (step.close != CloseReason::client_gone && !c->reader_done) {
        auto const close = streams::ws_close_for(step.close);
        co_await c->ws.async_close(websocket::close_reason(static_cast<websocket::close_code>(close.code), close.reason),
                                   use_nothrow);
      }
      break;
    }
  }
}

}  // namespace gatehouse::net::ws_detail

namespace gatehouse::net {

template <typename Transport>
asio::awaitable<void> serve_websocket(Transport transport, http::request<http::string_body> request,
                                      api::StreamUpgrade upgrade, StreamContext& ctx,
                                      ConnectionRegistry::Registration registration) {
  return ws_detail::serve(std::move(transport), std::move(request), std::move(upgrade), ctx, std::move(registration));
}

}  // namespace gatehouse::net
