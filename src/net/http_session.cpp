#include "gatehouse/net/http_session.hpp"

#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/api/request_id.hpp"
#include "gatehouse/api/stream_upgrade.hpp"
#include "gatehouse/net/beast_messages.hpp"
#include "gatehouse/net/sse_session.hpp"
#include "gatehouse/net/ws_session.hpp"
#include "gatehouse/metrics/instruments.hpp"
#include "gatehouse/util/log.hpp"
#include "net/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <optional>

namespace gatehouse::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Per-connection state shared with the shutdown notifier, which runs on another thread. The
// notifier lives as long as the connection's registration, which a stream session keeps: on an
// upgrade the stream is emptied so that its state (timers, executors) is not held for nothing.
template <typename Stream>
struct ConnectionState {
  std::optional<Stream> stream;
  bool idle = true;  // touched on the connection's executor only
  template <typename... Args>
  explicit ConnectionState(Args&&... args) : stream(std::in_place, std::forward<Args>(args)...) {}
};

// What a stream session takes over on an upgrade: the bare socket (see serve_websocket), or
// the TLS stream with its session state.
asio::ip::tcp::socket take_transport(beast::tcp_stream& stream) { return stream.release_socket(); }
TlsStream take_transport(TlsStream& stream) { return std::move(stream); }

// After refusing a request whose body is still arriving (413), closing at once would make the
// kernel answer the unread bytes with a reset that can destroy the refusal in flight. Like
// nginx's lingering close: stop sending, read and discard for a short while, then close.
// Over TLS the discarded bytes are records, read off the TCP layer undecrypted.
asio::awaitable<void> linger(beast::tcp_stream& tcp) {
  beast::error_code ignored;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  tcp.expires_after(std::chrono::seconds(2));
  std::array<char, 4096> discard;
  for (std::size_t total = 0; total < 1024 * 1024;) {
    auto [ec, n] = co_await tcp.async_read_some(asio::buffer(discard), use_nothrow);
    if (ec) break;
    total += n;
  }
}

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
  auto executor = state->stream->get_executor();
  std::uint64_t const registration = connections.add([state, executor] {
    asio::post(executor, [state] {
      if (state->idle && state->stream) beast::get_lowest_layer(*state->stream).socket().close();
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
      beast::error_code ignored;
      tcp.socket().close(ignored);
      connections.remove(registration);
      co_return;
    }
  }
  beast::flat_buffer buffer;
  bool first = true;

  // Over the cap (streams count too): a clear refusal rather than an accept queue that hangs.
  if (limits.max_connections != 0 && connections.active() > limits.max_connections) {
    auto refusal = to_beast(api::error_response(Failure(ErrorCode::too_many_connections)), api::request_id_for({}), 11,
                            false);
    tcp.expires_after(limits.write_timeout);
    co_await http::async_write(stream, refusal, use_nothrow);
    co_await linger(tcp);
    connections.remove(registration);
    co_return;
  }

  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);

    state->idle = true;
    if (connections.shutting_down()) break;
    tcp.expires_after(first ? limits.request_timeout : limits.idle_timeout);
    first = false;
    auto [ec_header, n_header] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
    state->idle = false;
    beast::error_code ec = ec_header;
    if (!ec) {
      tcp.expires_after(limits.request_timeout);
      // curl and others wait (a second, by default) for this before sending a larger body.
      auto const expect = parser.get()[http::field::expect];
      if (beast::iequals(expect, "100-continue") && !parser.is_done()) {
        static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [ec_continue, n_continue] =
            co_await asio::async_write(stream, asio::buffer(go_on.data(), go_on.size()), use_nothrow);
        ec = ec_continue;
      }
    }
    if (!ec && !parser.is_done()) {  // most requests (GET) have no body: no second read
      auto [ec_body, n_body] = co_await http::async_read(stream, buffer, parser, use_nothrow);
      ec = ec_body;
    }
    if (ec) {
      // A refusal the client can read, then close: the stream position is unknowable now.
      if (auto code = read_error_code(ec)) {
        // Fields parsed before the refusal are complete ones (a body over the limit is refused
        // as soon as the headers announce it), so a client's id is honoured where it arrived.
        std::string const request_id = api::request_id_for(parser.get()["X-Request-Id"]);
        auto res = to_beast(api::error_response(Failure(*code)), request_id, 11, false);
        tcp.expires_after(limits.write_timeout);
        auto [ec_write, n_write] = co_await http::async_write(stream, res, use_nothrow);
        if (!ec_write) co_await linger(tcp);
      }
      break;
    }

    auto& req = parser.get();
    std::string_view const target = req.target();
    bool const keep_alive = req.keep_alive() && !connections.shutting_down();
    std::string const request_id = api::request_id_for(req["X-Request-Id"]);
    api::Response response;
    if (target.size() > limits.target_limit) {
      response = api::error_response(Failure(ErrorCode::uri_too_long));
    } else {
      BeastHeaders headers(req);
      api::Request const request = api_request(req, headers, client_address, request_id);
      response = co_await dispatcher.dispatch(request);
    }
    if (response.upgrade) {
      // The stream session owns the socket (and this connection's registration) from here; this
      // coroutine ends so that its buffers do not stay allocated for the life of the stream.
      state->idle = false;
      api::StreamUpgrade up = *response.upgrade;
      up.request_id = request_id;
      Transport transport = take_transport(stream);
      state->stream.reset();  // `stream` and `tcp` dangle from here
      if (up.kind == api::StreamUpgrade::Kind::sse) {
        // The event stream's head carries what the dispatcher added (CORS for EventSource).
        up.response_headers = std::move(response.headers);
        asio::co_spawn(executor, serve_sse(std::move(transport), std::move(up), streams, registration), asio::detached);
      } else {
        asio::co_spawn(executor,
                       serve_websocket(std::move(transport), parser.release(), std::move(up), streams, registration),
                       asio::detached);
      }
      co_return;
    }
    auto res = to_beast(std::move(response), request_id, req.version(), keep_alive);
    tcp.expires_after(limits.write_timeout);
    auto [ec_write, n_write] = co_await http::async_write(stream, res, use_nothrow);
    if (ec_write || !res.keep_alive()) break;
  }
  if constexpr (TransportTraits<Transport>::tls) {
    if (tcp.socket().is_open()) co_await close_tls(stream);
  }
  beast::error_code ignored;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  connections.remove(registration);
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
