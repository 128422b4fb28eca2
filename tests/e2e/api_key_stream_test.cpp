// API keys on the streams: SSE and WebSocket accept a key (header, ?access_token=, ticket), need
// research.read, and revoking the key closes every stream it opened within one second, while
// the owner's own session streams stay open.
#include "stream_test_support.hpp"

namespace gatehouse::testing {

namespace {

constexpr std::int64_t one_second_ms = 1000;

}  // namespace

class ApiKeyStreams : public GatehouseTest {
 protected:
  void SetUp() override {
    // A long heartbeat: revocation must not wait for the next one.
    start({"--heartbeat", "30"});
    ASSERT_TRUE(wait_for_jwks_loaded());
    user_ = user_session("user_key_streams");
    research_ = create_research(port(), user_);
  }

  std::pair<std::string, std::string> new_key(std::string const& scopes_json) {
    auto const res = post(port(), "/me/keys", R"({"name":"streams","scopes":)" + scopes_json + "}", user_);
    EXPECT_EQ(res.status, 201) << res.body;
    return {std::string(res.json().at("id").as_string()), std::string(res.json().at("key").as_string())};
  }

  std::string user_;
  std::string research_;
};

TEST_F(ApiKeyStreams, SseAndWebSocketAcceptAKeyByHeaderQueryAndTicket) {
  auto const [id, key] = new_key(R"(["research.read"])");
  ASSERT_EQ(post_event(port(), user_, research_, "first"), 1);

  SseClient by_header(port(), events_path(research_), api_key_header(key));
  ASSERT_EQ(by_header.status(), 200) << by_header.body();
  EXPECT_TRUE(IsSseEvent(by_header.next_event(), "1", "first"));

  SseClient by_query(port(), events_path(research_) + "?access_token=" + key);
  ASSERT_EQ(by_query.status(), 200) << by_query.body();
  EXPECT_TRUE(IsSseEvent(by_query.next_event(), "1", "first"));

  auto const ticket = http(port(), "POST", "/auth/stream-ticket", {}, api_key_header(key));
  ASSERT_EQ(ticket.status, 200) << ticket.body;
  SseClient by_ticket(port(), events_path(research_) + "?ticket=" + std::string(ticket.json().at("ticket").as_string()));
  ASSERT_EQ(by_ticket.status(), 200) << by_ticket.body();

  WsClient ws(port(), "/ws", {{"Authorization", "Bearer " + key}});
  auto welcome = ws.receive();
  ASSERT_TRUE(IsMessage(welcome, "welcome"));
  EXPECT_EQ(welcome->at("principal_id"), principal_of(user_).c_str());
  EXPECT_TRUE(welcome->at("session_expires_in").is_null());  // a key without expiry
  ws.send(subscribe_message(research_));
  EXPECT_TRUE(IsMessage(ws.receive(), "subscribed"));
  EXPECT_TRUE(IsEvent(ws.receive(), research_, 1));

  // Live delivery reaches the key's streams too.
  ASSERT_EQ(post_event(port(), user_, research_, "second"), 2);
  EXPECT_TRUE(IsSseEvent(by_header.next_event(), "2", "second"));
  EXPECT_TRUE(IsEvent(ws.receive(), research_, 2));
}

TEST_F(ApiKeyStreams, AKeyWithoutResearchReadIsRefusedBeforeAnyStream) {
  auto const [id, key] = new_key(R"(["research.write"])");
  SseClient sse(port(), events_path(research_), api_key_header(key));
  EXPECT_EQ(sse.status(), 403);
  EXPECT_NE(sse.body().find("missing scope: research.read"), std::string::npos) << sse.body();
  auto const refused = WsClient::refused_upgrade(port(), "/ws?access_token=" + key);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.detail(), "missing scope: research.read");
}

TEST_F(ApiKeyStreams, RevokingTheKeyClosesItsStreamsWithinOneSecondAndLeavesTheSessionsOpen) {
  auto const [id, key] = new_key(R"(["research.read"])");
  std::vector<std::unique_ptr<SseClient>> sses;
  std::vector<std::unique_ptr<WsClient>> sockets;
  for (int i = 0; i < 5; ++i) {
    sses.push_back(std::make_unique<SseClient>(port(), events_path(research_), api_key_header(key)));
    ASSERT_EQ(sses.back()->status(), 200);
    sockets.push_back(std::make_unique<WsClient>(port(), "/ws?access_token=" + key));
    ASSERT_TRUE(IsMessage(sockets.back()->receive(), "welcome"));
  }
  // The owner's session stream, and a session acting under the key (closed with the key too).
  SseClient own(port(), events_path(research_), bearer(user_));
  ASSERT_EQ(own.status(), 200);
  Headers acting = bearer(user_);
  acting.emplace_back("X-Use-Api-Key", id);
  WsClient acting_ws(port(), "/ws", acting);
  ASSERT_TRUE(IsMessage(acting_ws.receive(), "welcome"));

  auto const t0 = Clock::now();
  ASSERT_EQ(del(port(), "/me/keys/" + id, user_).status, 204);
  for (auto& sse : sses) {
    auto revoked = sse->next_event(std::chrono::seconds(3));
    ASSERT_TRUE(revoked) << "no revoked event";
    EXPECT_EQ(revoked->event, "revoked");
    EXPECT_EQ(revoked->data, R"({"detail":"Token revoked"})");
    EXPECT_TRUE(sse->wait_closed(std::chrono::seconds(3)));
  }
  for (auto& ws : sockets) {
    EXPECT_EQ(ws->wait_close(std::chrono::seconds(3)), 4401);
    EXPECT_EQ(ws->close_reason(), "Token revoked");
  }
  EXPECT_EQ(acting_ws.wait_close(std::chrono::seconds(3)), 4401);
  EXPECT_LT(elapsed_since(t0).count(), one_second_ms);

  // The session's own stream is unaffected.
  ASSERT_EQ(post_event(port(), user_, research_, "after"), 1);
  EXPECT_TRUE(IsSseEvent(own.next_event(), "1", "after"));
  // And the revoked key opens nothing new.
  SseClient again(port(), events_path(research_), api_key_header(key));
  EXPECT_EQ(again.status(), 401);
}

}  // namespace gatehouse::testing
