#pragma once
// The one HTTP/1.1 request loop, for every stream type a connection can have (TCP, TLS, the
// admin socket's Unix socket): a deadline before every read, the parser's limits set before it
// reads, 100-continue, a refusal the client can read for a request that cannot be parsed, the
// headers every response carries, keep-alive. Requests go to the dispatcher; a response that
// asks for a stream upgrade ends the loop and is handed back.
// Included by the net/ sources only (it pulls in Beast's HTTP).
#include "gatehouse/api/dispatcher.hpp"
#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/api/request_id.hpp"
#include "gatehouse/net.hpp"
#include "gatehouse/net/beast_messages.hpp"
#include "gatehouse/net/connection_registry.hpp"
#include "gatehouse/net/http_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <optional>
#include <string>

namespace gatehouse::net {

// A response that carries a StreamUpgrade, with what the stream session needs of the request.
struct Handoff {
  api::Response response;
  http::request<http::string_body> request;
  std::string request_id;
};

struct RequestLoopState {
  ConnectionRegistry const* connections = nullptr;  // set: no new request once shutdown began
  bool idle = true;  // waiting for a request, so shutdown may close the connection (connection's executor only)
};

// Who is at the other end, as the dispatcher logs and limits it; `refusal`, when set, answers
// every request instead of the dispatcher (and ends the connection): a peer refused as a whole.
struct RequestSource {
  std::string_view client_address;
  api::Response const* refusal = nullptr;
};

inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// After refusing a request whose body is still arriving (413), closing at once would make the
// kernel answer the unread bytes with a reset that can destroy the refusal in flight. Like
// nginx's lingering close: stop sending, read and discard for a short while, then close.
// Over TLS the discarded bytes are records, read off the transport layer undecrypted.
template <typename Lowest>
asio::awaitable<void> linger(Lowest& lowest) {
  beast::error_code ignored;
  lowest.socket().shutdown(Lowest::socket_type::shutdown_send, ignored);
  lowest.expires_after(std::chrono::seconds(2));
  std::array<char, 4096> discard;
  for (std::size_t total = 0; total < 1024 * 1024;) {
    auto [ec, n] = co_await lowest.async_read_some(asio::buffer(discard), use_nothrow);
    if (ec) break;
    total += n;
  }
}

// Returns the handoff when a response asked for an upgrade, nullopt when the connection is done.
template <typename Stream>
asio::awaitable<std::optional<Handoff>> serve_requests(Stream& stream, HttpLimits const& limits, RequestLoopState& state,
                                                       api::Dispatcher const& dispatcher, RequestSource source) {
  auto& lowest = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);

    state.idle = true;
    if (state.connections && state.connections->shutting_down()) co_return std::nullopt;
    lowest.expires_after(first ? limits.request_timeout : limits.idle_timeout);
    first = false;
    auto [ec_header, n_header] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
    state.idle = false;
    beast::error_code ec = ec_header;
    if (!ec) {
      lowest.expires_after(limits.request_timeout);
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
        lowest.expires_after(limits.write_timeout);
        auto [ec_write, n_write] = co_await http::async_write(stream, res, use_nothrow);
        if (!ec_write) co_await linger(lowest);
      }
      co_return std::nullopt;
    }

    auto& req = parser.get();
    bool const keep_alive = req.keep_alive() && !(state.connections && state.connections->shutting_down());
    std::string request_id = api::request_id_for(req["X-Request-Id"]);
    api::Response response;
    if (source.refusal) {
      response = *source.refusal;
    } else if (req.target().size() > limits.target_limit) {
      response = api::error_response(Failure(ErrorCode::uri_too_long));
    } else {
      BeastHeaders headers(req);
      api::Request const request = api_request(req, headers, source.client_address, request_id);
      response = co_await dispatcher.dispatch(request);
    }
    if (response.upgrade) co_return Handoff{std::move(response), parser.release(), std::move(request_id)};
    // A refusal may end the connection (the admin socket's for a stranger): it says so with
    // Connection: close.
    bool const close = response.close_connection;
    auto res = to_beast(std::move(response), request_id, req.version(), keep_alive && !close);
    // No deadline on the work itself (an admin backup takes as long as it takes); one on the write.
    lowest.expires_after(limits.write_timeout);
    auto [ec_write, n_write] = co_await http::async_write(stream, res, use_nothrow);
    if (ec_write || !res.keep_alive()) co_return std::nullopt;
  }
}

}  // namespace gatehouse::net
