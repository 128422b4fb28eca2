// From Beast's parsed request to the handlers' view, and which read errors get an answer.
#include "gatehouse/net/beast_messages.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <gtest/gtest.h>

#include <string_view>

namespace {

namespace http = boost::beast::http;
using namespace gatehouse;

TEST(BeastRequest, SplitsTheTargetAndViewsTheHeadersCaseInsensitively) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  boost::beast::error_code ec;
  std::string_view const raw =
      "POST /research/r_1/events?last_event_id=3&x=y HTTP/1.1\r\nHost: h\r\nx-api-key: gk_1\r\n"
      "Content-Length: 2\r\n\r\n{}";
  parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_done());

  net::BeastHeaders const headers(parser.get());
  auto const req = net::api_request(parser.get(), headers, "127.0.0.1", "req-1");
  EXPECT_EQ(req.method, api::Method::post);
  EXPECT_EQ(req.path, "/research/r_1/events");
  EXPECT_EQ(req.query, "last_event_id=3&x=y");
  EXPECT_EQ(req.body, "{}");
  EXPECT_EQ(req.header("X-API-Key"), "gk_1");
  EXPECT_EQ(req.header("Authorization"), "");
  EXPECT_EQ(req.client_address, "127.0.0.1");
  EXPECT_EQ(req.request_id, "req-1");
  EXPECT_FALSE(req.websocket_upgrade);
}

TEST(BeastRequest, ReadErrorsMapToTheContractsRefusals) {
  EXPECT_EQ(net::read_error_code(http::error::header_limit), ErrorCode::headers_too_large);
  EXPECT_EQ(net::read_error_code(http::error::body_limit), ErrorCode::payload_too_large);
  EXPECT_EQ(net::read_error_code(http::error::bad_method), ErrorCode::bad_request);
  // A client that went away mid-request gets no answer.
  EXPECT_EQ(net::read_error_code(http::error::end_of_stream), std::nullopt);
  EXPECT_EQ(net::read_error_code(http::error::partial_message), std::nullopt);
  EXPECT_EQ(net::read_error_code(boost::asio::error::connection_reset), std::nullopt);
}

}  // namespace
