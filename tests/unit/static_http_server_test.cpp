// The in-memory HTTP server that stands in for a JWKS host (and serves the dev issuer's JWKS).
#include "static_http/static_http_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using gatehouse::tools::StaticHttpServer;
using tcp = asio::ip::tcp;

// A blocking HTTP/1.1 client over one connection, so keep-alive can be observed.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  http::response<http::string_body> request(std::string const& target, http::verb method = http::verb::get) {
    http::request<http::empty_body> req(method, target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    http::write(socket_, req);
    http::response_parser<http::string_body> parser;
    parser.skip(method == http::verb::head);
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  // The error the next read ends with: the server's close shows up as eof or a reset.
  boost::system::error_code read_until_closed() {
    boost::system::error_code ec;
    char byte = 0;
    while (!ec) socket_.read_some(asio::buffer(&byte, 1), ec);
    return ec;
  }

  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

http::response<http::string_body> get(std::uint16_t port, std::string const& target) {
  return Client(port).request(target);
}

TEST(StaticHttpServer, ServesADocumentWithContentTypeAndLength) {
  StaticHttpServer server;
  server.set("/.well-known/jwks.json", R"({"keys":[]})");
  auto const response = get(server.port(), "/.well-known/jwks.json");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), R"({"keys":[]})");
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_EQ(response[http::field::content_length], "11");
}

TEST(StaticHttpServer, ServesTheGivenContentType) {
  StaticHttpServer server;
  server.set("/hello", "hi\n", "text/plain; charset=utf-8");
  auto const response = get(server.port(), "/hello");
  EXPECT_EQ(response[http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(response.body(), "hi\n");
}

TEST(StaticHttpServer, UnknownPathIs404WithContentTypeAndLength) {
  StaticHttpServer server;
  server.set("/known", "{}");
  auto const response = get(server.port(), "/unknown");
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_FALSE(response[http::field::content_type].empty());
  EXPECT_EQ(response[http::field::content_length], std::to_string(response.body().size()));
}

TEST(StaticHttpServer, QueryStringIsIgnoredWhenMatchingThePath) {
  StaticHttpServer server;
  server.set("/jwks", "{}");
  EXPECT_EQ(get(server.port(), "/jwks?cache-buster=1").result_int(), 200);
}

TEST(StaticHttpServer, SetReplacesTheDocument) {
  StaticHttpServer server;
  server.set("/jwks", "first");
  EXPECT_EQ(get(server.port(), "/jwks").body(), "first");
  server.set("/jwks", "second");
  EXPECT_EQ(get(server.port(), "/jwks").body(), "second");
}

TEST(StaticHttpServer, CountsHitsPerPath) {
  StaticHttpServer server;
  server.set("/a", "a");
  EXPECT_EQ(server.hits("/a"), 0u);
  get(server.port(), "/a");
  get(server.port(), "/a?x=1");
  get(server.port(), "/b");
  // The count is taken before the response is written, so it is current once a response arrives.
  EXPECT_EQ(server.hits("/a"), 2u);
  EXPECT_EQ(server.hits("/b"), 1u);
  EXPECT_EQ(server.hits("/never"), 0u);
}

TEST(StaticHttpServer, SetStatusAnswersWithThatStatusAndAnEmptyBody) {
  StaticHttpServer server;
  server.set("/jwks", "{}");
  server.set_status("/jwks", 500);
  auto const failing = get(server.port(), "/jwks");
  EXPECT_EQ(failing.result_int(), 500);
  EXPECT_EQ(failing.body(), "");
  EXPECT_EQ(failing[http::field::content_length], "0");
  EXPECT_FALSE(failing[http::field::content_type].empty());

  server.set("/jwks", "{}");
  EXPECT_EQ(get(server.port(), "/jwks").result_int(), 200);
}

TEST(StaticHttpServer, SetStatusRefusesANonHttpStatus) {
  StaticHttpServer server;
  EXPECT_THROW(server.set_status("/jwks", 1000), std::invalid_argument);
  EXPECT_THROW(server.set_status("/jwks", 0), std::invalid_argument);
  EXPECT_EQ(get(server.port(), "/jwks").result_int(), 404);
}

TEST(StaticHttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  StaticHttpServer server;
  server.set("/jwks", "{}");
  Client client(server.port());
  auto const local = client.socket().local_endpoint();
  for (int i = 0; i < 3; ++i) {
    auto const response = client.request("/jwks");
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_TRUE(response.keep_alive());
  }
  EXPECT_EQ(client.socket().local_endpoint(), local);
  EXPECT_EQ(server.hits("/jwks"), 3u);
}

TEST(StaticHttpServer, HeadAnswersWithHeadersOnly) {
  StaticHttpServer server;
  server.set("/jwks", R"({"keys":[]})");
  Client client(server.port());
  auto const head = client.request("/jwks", http::verb::head);
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[http::field::content_length], "11");
  EXPECT_EQ(head.body(), "");
  // The connection is still in sync: the next response is read correctly.
  EXPECT_EQ(client.request("/jwks").body(), R"({"keys":[]})");
}

TEST(StaticHttpServer, OtherMethodsAre405) {
  StaticHttpServer server;
  server.set("/jwks", "{}");
  EXPECT_EQ(Client(server.port()).request("/jwks", http::verb::delete_).result_int(), 405);
}

TEST(StaticHttpServer, StopMakesLaterConnectsFail) {
  StaticHttpServer server;
  server.set("/jwks", "{}");
  auto const port = server.port();
  EXPECT_EQ(get(port, "/jwks").result_int(), 200);
  server.stop();
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_EQ(ec, asio::error::connection_refused);
}

TEST(StaticHttpServer, StopClosesOpenConnections) {
  StaticHttpServer server;
  server.set("/jwks", "{}");
  Client idle(server.port());
  ASSERT_EQ(idle.request("/jwks").result_int(), 200);  // the connection is established and idle
  Client silent(server.port());                          // connected, no request sent yet
  auto const started = std::chrono::steady_clock::now();
  server.stop();
  auto const idle_ec = idle.read_until_closed();
  auto const silent_ec = silent.read_until_closed();
  EXPECT_TRUE(idle_ec == asio::error::eof || idle_ec == asio::error::connection_reset) << idle_ec.message();
  EXPECT_TRUE(silent_ec == asio::error::eof || silent_ec == asio::error::connection_reset) << silent_ec.message();
  // Closed by stop(), not by the server's read deadline (10 s) running out.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(StaticHttpServer, StopIsIdempotent) {
  StaticHttpServer server;
  server.stop();
  server.stop();
  EXPECT_EQ(server.hits("/x"), 0u);
}

TEST(StaticHttpServer, UrlNamesTheLoopbackAddressAndPort) {
  StaticHttpServer server;
  EXPECT_EQ(server.url("/.well-known/jwks.json"),
            "http://127.0.0.1:" + std::to_string(server.port()) + "/.well-known/jwks.json");
  EXPECT_NE(server.port(), 0);
}

TEST(StaticHttpServer, AnyAddressIn127Slash8IsAccepted) {
  StaticHttpServer server("127.0.0.1", 0);
  StaticHttpServer other("127.0.0.2", 0);
  EXPECT_EQ(other.url("/"), "http://127.0.0.2:" + std::to_string(other.port()) + "/");
}

TEST(StaticHttpServer, RefusesNonLoopbackHost) {
  for (auto const* host : {"0.0.0.0", "192.0.2.10", "10.0.0.1", "::", "::ffff:127.0.0.1", "example.com", ""}) {
    EXPECT_THROW(StaticHttpServer server(host, 0), std::runtime_error) << host;
  }
}

TEST(StaticHttpServer, BindFailureThrows) {
  StaticHttpServer first;
  EXPECT_THROW(StaticHttpServer second("127.0.0.1", first.port()), std::runtime_error);
}

}  // namespace
