#include "gatehouse/net/http_session.hpp"

#include "gatehouse/api/response.hpp"
#include "gatehouse/metrics/instruments.hpp"
#include "gatehouse/net.hpp"
#include "gatehouse/net/sse_session.hpp"
#include "gatehouse/net/ws_session.hpp"
#include "gatehouse/util/log.hpp"
#include "gatehouse/util/spawn.hpp"
#include "net/http_connection.hpp"
#include "net/transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>

#include <optional>

namespace gatehouse::net {

namespace {

// Per-connection state shared with the shutdown notifier, which runs on another thread. The
// notifier lives as long as the connection's registration, which a stream session keeps: on an
// upgrade the stream is emptied so that its state (timers, executors) is not held for nothing.
template <typename Stream>
struct ConnectionState {
  std::optional<Stream> stream;
  RequestLoopState loop;  // touched on the connection's executor only
  template <typename... Args>
  explicit ConnectionState(Args&&... args) : stream(std::in_place, std::forward<Args>(args)...) {}
};

// What a stream session takes over on an upgrade: the bare socket (see serve_websocket), or
// the TLS stream with its session state.
asio::ip::tcp::socket take_transport(beast::tcp_stream& stream) { return stream.release_socket(); }
TlsStream take_transport(TlsStream& stream) { return std::move(stream); }

// One connection, plain (Transport: the socket) or TLS (a TlsStream, made with `tls`, which
// this coroutine keeps while it serves requests; a stream session that takes over keeps the
// context through OpenSSL's own reference from the connection's SSL object).
template <typename Transport>
asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, [[maybe_unused]] TlsContextPtr tls,
                                       api::Dispatcher const& dispatcher, StreamContext& streams, HttpLimits limits) {
  using Stream = typename TransportTraits<Transport>::Stream;
  ConnectionRegistry& connections = streams.connections;
  std::shared_ptr<ConnectionState<Stream>> state;
  if constexpr (TransportTraits<Transport>::tls) {
    state = std::make_shared<ConnectionState<Stream>>(std::move(socket), *tls);
  } else {
    state = std::make_shared<ConnectionState<Stream>>(std::move(socket));
  }
  state->loop.connections = &connections;
  auto executor = state->stream->get_executor();
  ConnectionRegistry::Registration registration = connections.add([state, executor] {
    asio::post(executor, [state] {
      if (state->loop.idle && state->stream) beast::get_lowest_layer(*state->stream).socket().close();
    });
  });
  auto& stream = *state->stream;
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  beast::error_code endpoint_ec;
  auto const peer = tcp.socket().remote_endpoint(endpoint_ec);
  std::string const client_address = endpoint_ec ? std::string() : peer.address().to_string();

  if constexpr (TransportTraits<Transport>::tls) {
    // Under the request deadline: a client that never finishes the handshake is dropped.
    tcp.expires_after(limits.request_timeout);
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_nothrow);
    if (handshake_ec) {
      // Plain HTTP on this port, old protocol versions, scanners: routine, not worth a warning.
      metrics::instruments().tls_handshake_failures.inc();
      log::debug("TLS handshake failed", {{"client", client_address}, {"error", handshake_ec.message()}});
      co_return;
    }
  }

  // Over the cap (streams count too): a clear refusal rather than an accept queue that hangs.
  if (limits.max_connections != 0 && connections.active() > limits.max_connections) {
    auto refusal = to_beast(api::error_response(Failure(ErrorCode::too_many_connections)), api::request_id_for({}), 11,
                            false);
    tcp.expires_after(limits.write_timeout);
    co_await http::async_write(stream, refusal, use_nothrow);
    co_await linger(tcp);
    co_return;
  }

  auto handoff = co_await serve_requests(stream, limits, state->loop, dispatcher, RequestSource{client_address});
  if (handoff) {
    // The stream session owns the socket (and this connection's registration) from here; this
    // coroutine ends so that its buffers do not stay allocated for the life of the stream.
    state->loop.idle = false;
    api::StreamUpgrade up = *handoff->response.upgrade;
    up.request_id = std::move(handoff->request_id);
    Transport transport = take_transport(stream);
    state->stream.reset();  // `stream` and `tcp` dangle from here
    if (up.kind == api::StreamUpgrade::Kind::sse) {
      // The event stream's head carries what the dispatcher added (CORS for EventSource).
      up.response_headers = std::move(handoff->response.headers);
      asio::co_spawn(executor, serve_sse(std::move(transport), std::move(up), streams, std::move(registration)),
                     report_failures("sse stream"));
    } else {
      asio::co_spawn(executor,
                     serve_websocket(std::move(transport), std::move(handoff->request), std::move(up), streams,
                                     std::move(registration)),
                     report_failures("websocket stream"));
    }
    co_return;
  }
  if constexpr (TransportTraits<Transport>::tls) {
    if (tcp.socket().is_open()) co_await close_tls(stream);
  }
  beast::error_code ignored;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace

asio::awaitable<void> serve_http_connection(asio::ip::tcp::socket socket, api::Dispatcher const& dispatcher,
                                            StreamContext& streams, HttpLimits limits) {
  return serve_connection<asio::ip::tcp::socket>(std::move(socket), nullptr, dispatcher, streams, limits);
}

asio::awaitable<void> serve_https_connection(asio::ip::tcp::socket socket, TlsContextPtr tls,
                                             api::Dispatcher const& dispatcher, StreamContext& streams,
                                             HttpLimits limits) {
  return serve_connection<TlsStream>(std::move(socket), std::move(tls), dispatcher, streams, limits);
}

}  // namespace gatehouse::net
