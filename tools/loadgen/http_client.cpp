#include "loadgen/http_client.hpp"

#include "gatehouse/net.hpp"

#include "loadgen/stats.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace gatehouse::loadgen {

using tcp = asio::ip::tcp;

namespace {
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
}

boost::system::error_code open_from(tcp::socket& socket, asio::ip::address const& source) {
  boost::system::error_code ec;
  socket.open(source.is_v4() ? tcp::v4() : tcp::v6(), ec);
  if (ec) return ec;
  if (source.is_v4()) {
    int const one = 1;
    // Best effort: without it bind() reserves a port per socket for any destination.
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  }
  socket.bind(tcp::endpoint(source, 0), ec);
  if (ec) {
    boost::system::error_code ignored;
    socket.close(ignored);
  }
  return ec;
}

std::string HttpResult::reason() const {
  if (status == 0) return error;
  std::string out = "http " + std::to_string(status);
  boost::system::error_code ec;
  auto const parsed = boost::json::parse(body, ec);
  if (!ec && parsed.is_object()) {
    if (auto const* detail = parsed.get_object().if_contains("detail"); detail && detail->is_string()) {
      out += " (" + std::string(detail->get_string()).substr(0, 80) + ")";
    }
  }
  return out;
}

HttpClient::HttpClient(asio::any_io_executor executor, tcp::endpoint target, asio::ip::address source, std::string host)
    : executor_(executor), target_(target), source_(source), host_(std::move(host)), stream_(executor) {}

asio::awaitable<boost::system::error_code> HttpClient::connect(std::chrono::milliseconds timeout) {
  stream_.close();
  buffer_.clear();
  connected_ = false;
  if (auto ec = open_from(stream_.socket(), source_)) co_return ec;
  stream_.expires_after(timeout);
  auto [ec] = co_await stream_.async_connect(target_, use_nothrow);
  if (ec) co_return ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  connected_ = true;
  co_return boost::system::error_code();
}

asio::awaitable<HttpResult> HttpClient::request(http::verb verb, std::string target, std::string body,
                                                std::string bearer, std::chrono::milliseconds timeout) {
  HttpResult result;
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, host_);
  req.set(http::field::user_agent, "gatehouse-load");
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = std::move(body);
  req.keep_alive(true);
  req.prepare_payload();

  // A kept-alive connection the server closed meanwhile fails on first use: one fresh retry.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool const reused = connected_;
    if (!connected_) {
      if (auto ec = co_await connect(timeout)) {
        result.error = "connect: " + describe(ec);
        co_return result;
      }
    }
    stream_.expires_after(timeout);
    auto [write_ec, written] = co_await http::async_write(stream_, req, use_nothrow);
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    beast::error_code read_ec = write_ec;
    if (!write_ec) {
      auto [ec, n] = co_await http::async_read(stream_, buffer_, parser, use_nothrow);
      read_ec = ec;
    }
    if (read_ec) {
      connected_ = false;
      stream_.close();
      if (reused && read_ec != beast::error::timeout) continue;
      result.error = describe(read_ec);
      co_return result;
    }
    auto& res = parser.get();
    result.status = res.result_int();
    result.body = std::move(res.body());
    if (auto const it = res.find(http::field::retry_after); it != res.end()) {
      long seconds = 0;
      auto const value = it->value();
      std::from_chars(value.data(), value.data() + value.size(), seconds);
      result.retry_after = std::chrono::seconds(seconds);
    }
    if (!res.keep_alive()) {
      connected_ = false;
      stream_.close();
    }
    co_return result;
  }
  result.error = "connection closed";
  co_return result;
}

}  // namespace gatehouse::loadgen
