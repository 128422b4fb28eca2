#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

#include "support/tls_client.hpp"

#include <stdexcept>
#include <strings.h>

namespace gatehouse::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http_ns = beast::http;

std::string HttpResponse::header(std::string const& name) const {
  for (auto const& [k, v] : headers) {
    if (::strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return {};
}

boost::json::value HttpResponse::json() const { return boost::json::parse(body); }

std::string HttpResponse::detail() const {
  boost::json::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  auto const* d = v.get_object().if_contains("detail");
  return d && d->is_string() ? std::string(d->get_string()) : std::string();
}

namespace {

// One request and its response on a connected stream (plain or TLS).
template <typename Stream>
HttpResponse exchange_on(Stream& stream, std::uint16_t port, std::string const& method, std::string const& target,
                         std::string const& body, Headers const& headers) {
  http_ns::request<http_ns::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http_ns::field::host, "127.0.0.1:" + std::to_string(port));
  for (auto const& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.body() = body;
    if (req.find(http_ns::field::content_type) == req.end()) req.set(http_ns::field::content_type, "application/json");
    req.prepare_payload();
  }
  http_ns::write(stream, req);

  beast::flat_buffer buffer;
  http_ns::response_parser<http_ns::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http_ns::read(stream, buffer, parser);
  auto& res = parser.get();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (auto const& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  return out;
}

}  // namespace

HttpResponse http(std::uint16_t port, std::string const& method, std::string const& target, std::string const& body,
                  Headers const& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  HttpResponse out = exchange_on(stream, port, method, target, body, headers);
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

HttpResponse https(std::uint16_t port, TlsTrust const& trust, std::string const& method, std::string const& target,
                   std::string const& body, Headers const& headers) {
  asio::io_context ioc;
  auto ctx = verifying_client_context(trust);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.handshake(asio::ssl::stream_base::client);
  HttpResponse out = exchange_on(stream, port, method, target, body, headers);
  beast::error_code ignored;
  stream.shutdown(ignored);  // close_notify both ways, under the same deadline
  return out;
}

namespace {
Headers with_bearer(std::string const& bearer) {
  if (bearer.empty()) return {};
  return {{"Authorization", "Bearer " + bearer}};
}
}  // namespace

HttpResponse get(std::uint16_t port, std::string const& target, std::string const& bearer) {
  return http(port, "GET", target, {}, with_bearer(bearer));
}
HttpResponse post(std::uint16_t port, std::string const& target, std::string const& body, std::string const& bearer) {
  return http(port, "POST", target, body, with_bearer(bearer));
}
HttpResponse put(std::uint16_t port, std::string const& target, std::string const& body, std::string const& bearer) {
  return http(port, "PUT", target, body, with_bearer(bearer));
}
HttpResponse del(std::uint16_t port, std::string const& target, std::string const& bearer) {
  return http(port, "DELETE", target, {}, with_bearer(bearer));
}

std::string raw_exchange(std::uint16_t port, std::string const& bytes) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(stream, asio::buffer(bytes));
  std::string out;
  char buf[4096];
  for (;;) {
    beast::error_code ec;
    std::size_t const n = stream.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

}  // namespace gatehouse::testing
