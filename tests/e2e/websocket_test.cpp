// GET /ws: the welcome, subscribe (replay after after_seq, then live), unsubscribe, ping, and
// every error reply, after which the socket stays usable.
#include "stream_test_support.hpp"

#include <boost/json/serialize.hpp>

#include <map>
#include <vector>

namespace gatehouse::testing {

class WebSocket : public GatehouseTest {
 protected:
  void SetUp() override {
    start();
    token_ = anonymous_session("ws-device");
    research_ = create_research(port(), token_);
  }

  // A socket past its welcome.
  std::unique_ptr<WsClient> open_socket() {
    auto ws = std::make_unique<WsClient>(port(), "/ws", bearer(token_));
    EXPECT_TRUE(IsMessage(ws->receive(), "welcome"));
    return ws;
  }

  // The next message is {"type":"error","detail": detail}, and the socket still answers a ping.
  static void expect_error_then_usable(WsClient& ws, std::string const& detail) {
    auto error = ws.receive();
    ASSERT_TRUE(IsMessage(error, "error"));
    EXPECT_EQ(str(*error, "detail"), detail);
    ws.send(R"({"type":"ping"})");
    EXPECT_TRUE(IsMessage(ws.receive(), "pong")) << "the socket is not usable after the error";
    EXPECT_FALSE(ws.closed());
  }

  std::string token_;
  std::string research_;
};

TEST_F(WebSocket, WelcomeCarriesPrincipalAndSessionExpiry) {
  WsClient ws(port(), "/ws", bearer(token_));
  auto welcome = ws.receive();
  ASSERT_TRUE(IsMessage(welcome, "welcome"));
  EXPECT_EQ(str(*welcome, "principal_id"), principal_of(token_));
  // Connecting extended the session to now + TTL (1800 s by default).
  EXPECT_GE(num(*welcome, "session_expires_in"), 1795);
  EXPECT_LE(num(*welcome, "session_expires_in"), 1800);
}

TEST_F(WebSocket, SubscribeReplaysAfterSeqThenDeliversLive) {
  for (int i = 1; i <= 4; ++i) ASSERT_EQ(post_event(port(), token_, research_, "e" + std::to_string(i), std::to_string(i * 10)), i);
  auto ws = open_socket();
  ws->send(subscribe_message(research_, 2));
  auto subscribed = ws->receive();
  ASSERT_TRUE(IsMessage(subscribed, "subscribed"));
  EXPECT_EQ(str(*subscribed, "research_id"), research_);
  auto e3 = ws->receive();
  ASSERT_TRUE(IsEvent(e3, research_, 3));
  EXPECT_EQ(str(*e3, "event"), "e3");
  EXPECT_EQ(e3->at("data"), boost::json::value(30));
  EXPECT_TRUE(IsEvent(ws->receive(), research_, 4));

  ASSERT_EQ(post_event(port(), token_, research_, "live", R"({"k":[1,2]})"), 5);
  auto e5 = ws->receive();
  ASSERT_TRUE(IsEvent(e5, research_, 5));
  EXPECT_EQ(str(*e5, "event"), "live");
  EXPECT_EQ(boost::json::serialize(e5->at("data")), R"({"k":[1,2]})");
}

TEST_F(WebSocket, SubscribeWithoutAfterSeqReplaysEverything) {
  for (int i = 1; i <= 3; ++i) ASSERT_EQ(post_event(port(), token_, research_, "e"), i);
  auto ws = open_socket();
  ws->send(subscribe_message(research_, std::nullopt));
  ASSERT_TRUE(IsMessage(ws->receive(), "subscribed"));
  for (int i = 1; i <= 3; ++i) EXPECT_TRUE(IsEvent(ws->receive(), research_, i));
}

TEST_F(WebSocket, SubscribeToFinishedResearchReplaysAndStaysOpen) {
  ASSERT_EQ(post_event(port(), token_, research_, "done"), 1);
  auto ws = open_socket();
  ws->send(subscribe_message(research_));
  ASSERT_TRUE(IsMessage(ws->receive(), "subscribed"));
  EXPECT_TRUE(IsEvent(ws->receive(), research_, 1));
  ws->send(R"({"type":"ping"})");
  EXPECT_TRUE(IsMessage(ws->receive(), "pong"));
}

TEST_F(WebSocket, ManySubscriptionsOnOneSocketEachGetTheirEvents) {
  constexpr int n = 8;
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    ids.push_back(create_research(port(), token_, "r" + std::to_string(i)));
    // Research i holds i+1 stored events.
    for (int k = 0; k <= i; ++k) ASSERT_GT(post_event(port(), token_, ids.back(), "stored"), 0);
  }
  auto ws = open_socket();
  for (auto const& id : ids) ws->send(subscribe_message(id));

  std::map<std::string, std::vector<std::int64_t>> seqs;
  std::map<std::string, int> subscribed;
  int const stored_total = n * (n + 1) / 2;
  for (int m = 0; m < n + stored_total; ++m) {
    auto msg = ws->receive();
    ASSERT_TRUE(msg) << "message " << m;
    std::string const type = str(*msg, "type");
    std::string const id = str(*msg, "research_id");
    if (type == "subscribed") {
      EXPECT_TRUE(seqs[id].empty()) << "events of " << id << " came before its subscribed";
      ++subscribed[id];
    } else {
      ASSERT_EQ(type, "event") << boost::json::serialize(*msg);
      seqs[id].push_back(num(*msg, "seq"));
    }
  }
  // Then one live event for each.
  for (auto const& id : ids) ASSERT_GT(post_event(port(), token_, id, "live"), 0);
  for (int m = 0; m < n; ++m) {
    auto msg = ws->receive();
    ASSERT_TRUE(IsMessage(msg, "event"));
    seqs[str(*msg, "research_id")].push_back(num(*msg, "seq"));
  }
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(subscribed[ids[i]], 1);
    std::vector<std::int64_t> expected;
    for (int s = 1; s <= i + 2; ++s) expected.push_back(s);
    EXPECT_EQ(seqs[ids[i]], expected) << "research " << i;
  }
}

TEST_F(WebSocket, UnsubscribeStopsEvents) {
  auto ws = open_socket();
  ws->send(subscribe_message(research_));
  ASSERT_TRUE(IsMessage(ws->receive(), "subscribed"));
  ASSERT_EQ(post_event(port(), token_, research_, "before"), 1);
  EXPECT_TRUE(IsEvent(ws->receive(), research_, 1));

  ws->send(unsubscribe_message(research_));
  auto unsubscribed = ws->receive();
  ASSERT_TRUE(IsMessage(unsubscribed, "unsubscribed"));
  EXPECT_EQ(str(*unsubscribed, "research_id"), research_);
  ASSERT_EQ(post_event(port(), token_, research_, "after"), 2);
  // The event was published before the ping was sent: had it been delivered, it would come first.
  ws->send(R"({"type":"ping"})");
  EXPECT_TRUE(IsMessage(ws->receive(), "pong"));
}

TEST_F(WebSocket, ResubscribeAfterUnsubscribeReplaysFromItsAfterSeq) {
  auto ws = open_socket();
  ws->send(subscribe_message(research_));
  ASSERT_TRUE(IsMessage(ws->receive(), "subscribed"));
  ws->send(unsubscribe_message(research_));
  ASSERT_TRUE(IsMessage(ws->receive(), "unsubscribed"));
  ASSERT_EQ(post_event(port(), token_, research_, "missed"), 1);
  ws->send(subscribe_message(research_, 0));
  ASSERT_TRUE(IsMessage(ws->receive(), "subscribed"));
  EXPECT_TRUE(IsEvent(ws->receive(), research_, 1));
}

TEST_F(WebSocket, PingGetsPong) {
  auto ws = open_socket();
  for (int i = 0; i < 3; ++i) {
    ws->send(R"({"type":"ping"})");
    EXPECT_TRUE(IsMessage(ws->receive(), "pong"));
  }
}

TEST_F(WebSocket, UnknownResearchIsAnError) {
  auto ws = open_socket();
  ws->send(subscribe_message("no-such-research"));
  expect_error_then_usable(*ws, "Research not found");
  // Still usable for a real subscription.
  ws->send(subscribe_message(research_));
  EXPECT_TRUE(IsMessage(ws->receive(), "subscribed"));
}

TEST_F(WebSocket, ForeignResearchIsAnError) {
  std::string const stranger = anonymous_session("ws-stranger");
  std::string const foreign = create_research(port(), stranger);
  ASSERT_EQ(post_event(port(), stranger, foreign, "private", R"("secret")"), 1);
  auto ws = open_socket();
  ws->send(subscribe_message(foreign));
  expect_error_then_usable(*ws, "Research not found");
  // Nothing of the foreign research leaks later either.
  ASSERT_EQ(post_event(port(), stranger, foreign, "private"), 2);
  ws->send(R"({"type":"ping"})");
  EXPECT_TRUE(IsMessage(ws->receive(), "pong"));
}

TEST_F(WebSocket, NonJsonMessageIsAnError) {
  auto ws = open_socket();
  ws->send("this is not json");
  auto error = ws->receive();
  ASSERT_TRUE(IsMessage(error, "error"));
  EXPECT_EQ(str(*error, "detail").rfind("Invalid message: ", 0), 0u) << str(*error, "detail");
  EXPECT_GT(str(*error, "detail").size(), std::string("Invalid message: ").size());
  ws->send(R"({"type":"ping"})");
  EXPECT_TRUE(IsMessage(ws->receive(), "pong"));
}

TEST_F(WebSocket, NonObjectMessageIsAnError) {
  auto ws = open_socket();
  ws->send(R"(["subscribe"])");
  expect_error_then_usable(*ws, "Invalid message: expected a JSON object");
}

TEST_F(WebSocket, MessageWithoutTypeIsAnError) {
  auto ws = open_socket();
  ws->send(R"({"research_id":"x"})");
  expect_error_then_usable(*ws, "Invalid message: type required");
}

TEST_F(WebSocket, UnknownMessageTypeIsAnError) {
  auto ws = open_socket();
  ws->send(R"({"type":"teleport"})");
  expect_error_then_usable(*ws, "Unknown message type: teleport");
}

TEST_F(WebSocket, SubscribeWithoutResearchIdIsAnError) {
  auto ws = open_socket();
  ws->send(R"({"type":"subscribe"})");
  expect_error_then_usable(*ws, "research_id required");
  ws->send(R"({"type":"subscribe","research_id":""})");
  expect_error_then_usable(*ws, "research_id required");
  ws->send(R"({"type":"unsubscribe","research_id":42})");
  expect_error_then_usable(*ws, "research_id required");
}

TEST_F(WebSocket, InvalidAfterSeqIsAnError) {
  auto ws = open_socket();
  for (std::string const bad : {"-1", "\"3\"", "1.5", "null", "true"}) {
    ws->send(R"({"type":"subscribe","research_id":")" + research_ + R"(","after_seq":)" + bad + "}");
    expect_error_then_usable(*ws, "after_seq must be a non-negative integer");
    if (HasFatalFailure()) return;
  }
  // None of them subscribed.
  ws->send(unsubscribe_message(research_));
  expect_error_then_usable(*ws, "Not subscribed to " + research_);
}

TEST_F(WebSocket, DuplicateSubscriptionIsAnError) {
  auto ws = open_socket();
  ws->send(subscribe_message(research_));
  ASSERT_TRUE(IsMessage(ws->receive(), "subscribed"));
  ws->send(subscribe_message(research_));
  expect_error_then_usable(*ws, "Already subscribed to " + research_);
  // The first subscription still delivers, once.
  ASSERT_EQ(post_event(port(), token_, research_, "e"), 1);
  EXPECT_TRUE(IsEvent(ws->receive(), research_, 1));
  ws->send(R"({"type":"ping"})");
  EXPECT_TRUE(IsMessage(ws->receive(), "pong"));
}

TEST_F(WebSocket, UnsubscribeWithoutSubscriptionIsAnError) {
  auto ws = open_socket();
  ws->send(unsubscribe_message(research_));
  expect_error_then_usable(*ws, "Not subscribed to " + research_);
}

TEST_F(WebSocket, BinaryMessageIsAnError) {
  auto ws = open_socket();
  ws->send_binary(std::string("\x00\x01\x02", 3));
  expect_error_then_usable(*ws, "Binary messages are not supported");
  ws->send_binary(R"({"type":"ping"})");
  expect_error_then_usable(*ws, "Binary messages are not supported");
}

// The server reads a message in pieces and assembles it: one longer than any read buffer
// (and than a TCP frame) is still one message.
TEST_F(WebSocket, LongMessageIsReadWhole) {
  auto ws = open_socket();
  std::string const pad(6000, 'x');
  ws->send(R"({"type":"ping","pad":")" + pad + R"("})");
  EXPECT_TRUE(IsMessage(ws->receive(), "pong"));
  ws->send(R"({"type":"subscribe","pad":")" + pad + R"(","research_id":")" + research_ + R"("})");
  auto subscribed = ws->receive();
  ASSERT_TRUE(IsMessage(subscribed, "subscribed"));
  EXPECT_EQ(str(*subscribed, "research_id"), research_);
}

// A message over the 16 KiB limit fails the connection with 1009 (message too big).
TEST_F(WebSocket, MessageOverTheLimitClosesWithTooBig) {
  auto ws = open_socket();
  ws->send(R"({"type":"ping","pad":")" + std::string(17 * 1024, 'x') + R"("})");
  EXPECT_EQ(ws->wait_close(), 1009);
}

}  // namespace gatehouse::testing
