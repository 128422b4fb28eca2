#include "gatehouse/client/http_client.hpp"

#include "gatehouse/net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace gatehouse::client {

using asio::ip::tcp;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

asio::ssl::context& client_tls_context() {
  static asio::ssl::context ctx = [] {
    asio::ssl::context c(asio::ssl::context::tls_client);
    c.set_default_verify_paths();
    c.set_verify_mode(asio::ssl::verify_peer);
    SSL_CTX_set_min_proto_version(c.native_handle(), TLS1_2_VERSION);
    return c;
  }();
  return ctx;
}

[[noreturn]] void fail(std::string_view what, beast::error_code ec) {
  if (ec == beast::error::timeout) throw std::runtime_error(std::string(what) + ": timeout");
  throw std::runtime_error(std::string(what) + ": " + ec.message());
}

template <typename Stream>
asio::awaitable<HttpGetResult> exchange(Stream& stream, Url const& url, std::size_t body_limit) {
  http::request<http::empty_body> req{http::verb::get, url.target, 11};
  req.set(http::field::host, url.host_header());
  req.set(http::field::user_agent, "gatehouse-jwks-fetcher");
  req.set(http::field::accept, "application/json");
  req.set(http::field::connection, "close");
  if (auto [ec, n] = co_await http::async_write(stream, req, use_nothrow); ec) fail("write", ec);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  parser.header_limit(16 * 1024);
  if (auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_nothrow); ec) fail("read", ec);
  auto& res = parser.get();
  co_return HttpGetResult{res.result_int(), std::move(res.body())};
}

}  // namespace

asio::awaitable<HttpGetResult> http_get(Url const& url, std::chrono::milliseconds timeout, std::size_t body_limit) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(url.host, std::to_string(url.port), use_nothrow);
  if (rec) fail("resolve " + url.host, rec);

  if (url.scheme == "http") {
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    if (auto [ec, ep] = co_await stream.async_connect(endpoints, use_nothrow); ec) fail("connect", ec);
    auto result = co_await exchange(stream, url, body_limit);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return result;
  }

  beast::ssl_stream<beast::tcp_stream> stream(executor, client_tls_context());
  beast::get_lowest_layer(stream).expires_after(timeout);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw std::runtime_error("TLS: cannot set SNI host name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  if (auto [ec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, use_nothrow); ec) {
    fail("connect", ec);
  }
  if (auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_nothrow); ec) {
    fail("TLS handshake", ec);
  }
  auto result = co_await exchange(stream, url, body_limit);
  // The body is complete (Content-Length or chunked end); a missing close_notify does not matter.
  co_return result;
}

}  // namespace gatehouse::client
