// Connection-level abuse: a client that trickles its request is dropped at the request
// deadline without holding up anyone else, and connections over --max-connections get a clear
// 503 instead of a hang.
#include "expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <thread>

namespace gatehouse::testing {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

tcp::socket connect_to(asio::io_context& ioc, std::uint16_t port) {
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  return socket;
}

// Everything the server sends until it closes the connection.
std::string read_until_closed(tcp::socket& socket) {
  std::string out;
  boost::system::error_code ec;
  std::array<char, 4096> buf;
  for (;;) {
    std::size_t const n = socket.read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf.data(), n);
  }
  return out;
}

}  // namespace

class ConnectionLimits : public GatehouseTest {};

TEST_F(ConnectionLimits, ATricklingClientIsDroppedAtTheRequestDeadlineWithoutHarmingOthers) {
  start({"--request-timeout", "1"});
  asio::io_context ioc;
  tcp::socket slow = connect_to(ioc, port());
  auto const t0 = Clock::now();
  std::string const request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
  bool dropped = false;
  for (char c : request) {
    boost::system::error_code ec;
    asio::write(slow, asio::buffer(&c, 1), ec);
    if (ec) {
      dropped = true;
      break;
    }
    // Meanwhile the server answers everyone else at once.
    EXPECT_EQ(get(port(), "/health").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the trickle itself
    if (Clock::now() - t0 > std::chrono::seconds(4)) break;
  }
  if (!dropped) {
    std::string const rest = read_until_closed(slow);  // the server closes: EOF, no response
    EXPECT_EQ(rest.find("200 OK"), std::string::npos) << rest;
  }
  auto const elapsed = Clock::now() - t0;
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::seconds(4));
}

TEST_F(ConnectionLimits, ConnectionsOverTheCapGetA503AndTheCapFreesUp) {
  start({"--max-connections", "3"});
  asio::io_context ioc;
  std::vector<tcp::socket> held;
  for (int i = 0; i < 3; ++i) held.push_back(connect_to(ioc, port()));
  // The held connections are registered once the server has accepted them: wait for the refusal.
  HttpResponse refused;
  for (auto const deadline = Clock::now() + std::chrono::seconds(5); Clock::now() < deadline;) {
    refused = get(port(), "/health");
    if (refused.status == 503) break;
  }
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.detail(), "Too many connections; retry later");
  EXPECT_EQ(refused.header("Retry-After"), "1");

  held.clear();  // closing them frees the slots
  HttpResponse served;
  for (auto const deadline = Clock::now() + std::chrono::seconds(5); Clock::now() < deadline;) {
    served = get(port(), "/health");
    if (served.status == 200) break;
  }
  EXPECT_EQ(served.status, 200);
}

TEST_F(ConnectionLimits, OversizedRequestsGetTheirJsonErrors) {
  start();
  auto const big_header = http(port(), "GET", "/health", {}, {{"X-Filler", std::string(17 * 1024, 'a')}});
  EXPECT_EQ(big_header.status, 431);
  EXPECT_EQ(big_header.detail(), "Request headers too large");
  auto const long_url = get(port(), "/health?x=" + std::string(9 * 1024, 'a'));
  EXPECT_EQ(long_url.status, 414);
  EXPECT_EQ(long_url.detail(), "Request URI too long");
  auto const big_body = post(port(), "/auth/anonymous", R"({"device_id":")" + std::string(65 * 1024, 'a') + R"("})");
  EXPECT_EQ(big_body.status, 413);
  EXPECT_EQ(big_body.detail(), "Request body too large");
  EXPECT_EQ(db_int("SELECT count(*) FROM principals"), 0);
  EXPECT_EQ(get(port(), "/health").status, 200);  // and the server is fine
}

}  // namespace gatehouse::testing
