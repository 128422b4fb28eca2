#include "gatehouse/net/http_session.hpp"

#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/api/request_id.hpp"
#include "gatehouse/api/stream_upgrade.hpp"
#include "gatehouse/net/beast_request.hpp"
#include "gatehouse/net/sse_session.hpp"
#include "gatehouse/net/ws_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

namespace gatehouse::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

http::response<http::string_body> to_beast(api::Response&& r, std::string_view request_id, unsigned version,
                                           bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  // Responses carry tokens and personal data: never cached, never sniffed.
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Request-Id", request_id);
  for (auto& [name, value] : r.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

// Per-connection state shared with the shutdown notifier, which runs on another thread. The
// notifier lives as long as the connection's registration, which a stream session keeps: on an
// upgrade the stream is emptied so that its state (timers, executors) is not held for nothing.
struct ConnectionState {
  std::optional<beast::tcp_stream> stream;
  bool idle = true;  // touched on the connection's executor only
  explicit ConnectionState(asio::ip::tcp::socket&& s) : stream(std::in_place, std::move(s)) {}
};

// After refusing a request whose body is still arriving (413), closing at once would make the
// kernel answer the unread bytes with a reset that can destroy the refusal in flight. Like
// nginx's lingering close: stop sending, read and discard for a short while, then close.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream.expires_after(std::chrono::seconds(2));
  std::array<char, 4096> discard;
  for (std::size_t total = 0; total < 1024 * 1024;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(discard), use_nothrow);
    if (ec) break;
    total += n;
  }
}

}  // namespace

asio::awaitable<void> serve_http_connection(asio::ip::tcp::socket socket, api::Dispatcher const& dispatcher,
                                            StreamContext& streams, HttpLimits limits) {
  ConnectionRegistry& connections = streams.connections;
  auto state = std::make_shared<ConnectionState>(std::move(socket));
  auto executor = state->stream->get_executor();
  std::uint64_t const registration = connections.add([state, executor] {
    asio::post(executor, [state] {
      if (state->idle && state->stream) state->stream->socket().close();
    });
  });
  auto& stream = *state->stream;
  beast::error_code endpoint_ec;
  auto const peer = stream.socket().remote_endpoint(endpoint_ec);
  std::string const client_address = endpoint_ec ? std::string() : peer.address().to_string();
  beast::flat_buffer buffer;
  bool first = true;

  // Over the cap (streams count too): a clear refusal rather than an accept queue that hangs.
  if (limits.max_connections != 0 && connections.active() > limits.max_connections) {
    auto refusal = to_beast(api::error_response(Failure(ErrorCode::too_many_connections)), api::request_id_for({}), 11,
                            false);
    stream.expires_after(limits.write_timeout);
    co_await http::async_write(stream, refusal, use_nothrow);
    co_await linger(stream);
    connections.remove(registration);
    co_return;
  }

  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);

    state->idle = true;
    if (connections.shutting_down()) break;
    stream.expires_after(first ? limits.request_timeout : limits.idle_timeout);
    first = false;
    auto [ec_header, n_header] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
    state->idle = false;
    beast::error_code ec = ec_header;
    if (!ec) {
      stream.expires_after(limits.request_timeout);
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
        stream.expires_after(limits.write_timeout);
        auto [ec_write, n_write] = co_await http::async_write(stream, res, use_nothrow);
        if (!ec_write) co_await linger(stream);
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
      asio::ip::tcp::socket socket = stream.release_socket();
      state->stream.reset();  // `stream` dangles from here
      if (up.kind == api::StreamUpgrade::Kind::sse) {
        // The event stream's head carries what the dispatcher added (CORS for EventSource).
        up.response_headers = std::move(response.headers);
        asio::co_spawn(executor, serve_sse(std::move(socket), std::move(up), streams, registration), asio::detached);
      } else {
        asio::co_spawn(executor, serve_websocket(std::move(socket), parser.release(), std::move(up), streams, registration),
                       asio::detached);
      }
      co_return;
    }
    auto res = to_beast(std::move(response), request_id, req.version(), keep_alive);
    stream.expires_after(limits.write_timeout);
    auto [ec_write, n_write] = co_await http::async_write(stream, res, use_nothrow);
    if (ec_write || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  connections.remove(registration);
}

}  // namespace gatehouse::net
