// Who may open a stream: the Authorization header, else a single-use ?ticket=, else
// ?access_token=; every refusal is the usual JSON error and no stream or upgrade follows.
#include "stream_test_support.hpp"

#include <thread>

namespace gatehouse::testing {

class StreamAuth : public GatehouseTest {
 protected:
  void SetUp() override {
    start();
    token_ = anonymous_session("stream-auth-device");
    research_ = create_research(port(), token_);
    ASSERT_EQ(post_event(port(), token_, research_, "first", "1"), 1);
  }

  // An SSE stream on research_ opened with these target suffix and headers replays event 1.
  void expect_sse_stream(std::string const& query, Headers const& headers = {}) {
    SseClient sse(port(), events_path(research_) + query, headers);
    ASSERT_EQ(sse.status(), 200) << sse.body();
    EXPECT_EQ(sse.header("Content-Type"), "text/event-stream");
    EXPECT_TRUE(IsSseEvent(sse.next_event(), "1", "first"));
  }

  // A WebSocket opened this way is welcomed as the token's principal.
  void expect_ws_stream(std::string const& target, Headers const& headers = {}) {
    WsClient ws(port(), target, headers);
    auto welcome = ws.receive();
    ASSERT_TRUE(IsMessage(welcome, "welcome"));
    EXPECT_EQ(str(*welcome, "principal_id"), principal_of(token_));
  }

  // An SSE request that must be refused: the refusal, and no event stream.
  HttpResponse sse_refusal(std::string const& query, Headers const& headers = {}) {
    SseClient sse(port(), events_path(research_) + query, headers);
    EXPECT_NE(sse.header("Content-Type"), "text/event-stream");
    return refusal_of(sse);
  }

  std::string token_;
  std::string research_;
};

TEST_F(StreamAuth, SseAcceptsAuthorizationHeader) { expect_sse_stream("", bearer(token_)); }

TEST_F(StreamAuth, SseAcceptsAccessTokenQueryParameter) { expect_sse_stream("?access_token=" + token_); }

TEST_F(StreamAuth, WebSocketAcceptsAuthorizationHeader) { expect_ws_stream("/ws", bearer(token_)); }

TEST_F(StreamAuth, WebSocketAcceptsAccessTokenQueryParameter) { expect_ws_stream("/ws?access_token=" + token_); }

TEST_F(StreamAuth, SseTicketWorksOnceThenIsRefused) {
  std::string const ticket = stream_ticket(port(), token_);
  expect_sse_stream("?ticket=" + ticket);
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?ticket=" + ticket)));
}

TEST_F(StreamAuth, WebSocketTicketWorksOnceThenIsRefused) {
  std::string const ticket = stream_ticket(port(), token_);
  expect_ws_stream("/ws?ticket=" + ticket);
  EXPECT_TRUE(IsInvalidToken(WsClient::refused_upgrade(port(), "/ws?ticket=" + ticket)));
}

TEST_F(StreamAuth, TicketUsedOnOneEndpointIsRefusedOnTheOther) {
  std::string const ticket = stream_ticket(port(), token_);
  expect_ws_stream("/ws?ticket=" + ticket);
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?ticket=" + ticket)));
}

TEST_F(StreamAuth, TicketOfARevokedSessionIsRefused) {
  std::string const ticket = stream_ticket(port(), token_);
  ASSERT_EQ(del(port(), "/auth/session", token_).status, 204);
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?ticket=" + ticket)));
}

TEST_F(StreamAuth, TicketResponseIsSingleUseThirtySeconds) {
  auto const res = post(port(), "/auth/stream-ticket", "", token_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(num(res.json(), "expires_in"), 30);
  EXPECT_FALSE(str(res.json(), "ticket").empty());
  EXPECT_EQ(str(res.json(), "ticket").find(token_), std::string::npos);
}

TEST_F(StreamAuth, MissingCredentialIsRefusedWithBearerChallenge) {
  EXPECT_TRUE(IsError(sse_refusal(""), 401, "Missing Bearer token"));
  EXPECT_TRUE(IsError(WsClient::refused_upgrade(port(), "/ws"), 401, "Missing Bearer token"));
}

TEST_F(StreamAuth, MalformedTokenIsRefused) {
  std::string const bogus = "gh_sess_not-a-real-token";
  EXPECT_TRUE(IsInvalidToken(sse_refusal("", bearer(bogus))));
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?access_token=" + bogus)));
  EXPECT_TRUE(IsInvalidToken(WsClient::refused_upgrade(port(), "/ws", bearer(bogus))));
  EXPECT_TRUE(IsInvalidToken(WsClient::refused_upgrade(port(), "/ws?access_token=" + bogus)));
  EXPECT_TRUE(IsInvalidToken(WsClient::refused_upgrade(port(), "/ws?ticket=" + bogus)));
}

TEST_F(StreamAuth, UnknownTokenOfTheRightShapeIsRefused) {
  // A real token of another server's database: well formed, never issued here.
  std::string const unknown = token_.substr(0, token_.size() - 4) + (token_.ends_with("AAAA") ? "BBBB" : "AAAA");
  EXPECT_TRUE(IsInvalidToken(sse_refusal("", bearer(unknown))));
  EXPECT_TRUE(IsInvalidToken(WsClient::refused_upgrade(port(), "/ws", bearer(unknown))));
}

TEST_F(StreamAuth, RevokedTokenIsRefused) {
  ASSERT_EQ(del(port(), "/auth/session", token_).status, 204);
  EXPECT_TRUE(IsInvalidToken(sse_refusal("", bearer(token_))));
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?access_token=" + token_)));
  EXPECT_TRUE(IsInvalidToken(WsClient::refused_upgrade(port(), "/ws", bearer(token_))));
  EXPECT_TRUE(IsInvalidToken(WsClient::refused_upgrade(port(), "/ws?access_token=" + token_)));
}

TEST_F(StreamAuth, ExpiredTokenIsRefused) {
  // Expiry is to the whole second: with a 1-second TTL a token minted late in a second could
  // expire before the research is created (seen under TSan). With 2 it lives at least a second,
  // and has expired 2.1 s after the research was made, wherever in a second it was minted.
  start({"--session-ttl", "2"});
  std::string const token = anonymous_session("stream-auth-expiring");
  std::string const research = create_research(port(), token);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // waiting out a TTL is inherent
  SseClient sse(port(), events_path(research), bearer(token));
  EXPECT_TRUE(IsError(refusal_of(sse), 401, "Token expired"));
  EXPECT_TRUE(IsError(WsClient::refused_upgrade(port(), "/ws", bearer(token)), 401, "Token expired"));
  EXPECT_TRUE(IsError(WsClient::refused_upgrade(port(), "/ws?access_token=" + token), 401, "Token expired"));
}

TEST_F(StreamAuth, AuthorizationHeaderTakesPrecedenceOverQueryParameters) {
  expect_sse_stream("?access_token=gh_sess_bogus&ticket=gh_tkt_bogus", bearer(token_));
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?access_token=" + token_, bearer("gh_sess_bogus"))));
}

TEST_F(StreamAuth, TicketTakesPrecedenceOverAccessToken) {
  std::string const ticket = stream_ticket(port(), token_);
  expect_sse_stream("?ticket=" + ticket + "&access_token=gh_sess_bogus");
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?ticket=gh_tkt_bogus&access_token=" + token_)));
}

TEST_F(StreamAuth, ForeignResearchOnSseIsNotFound) {
  std::string const stranger = anonymous_session("stream-auth-stranger");
  std::string const foreign = create_research(port(), stranger);
  SseClient sse(port(), events_path(foreign), bearer(token_));
  EXPECT_TRUE(IsError(refusal_of(sse), 404, "Research not found"));
}

TEST_F(StreamAuth, UnknownResearchOnSseIsNotFound) {
  SseClient sse(port(), events_path("no-such-research"), bearer(token_));
  EXPECT_TRUE(IsError(refusal_of(sse), 404, "Research not found"));
}

TEST_F(StreamAuth, WebSocketWithoutUpgradeHeadersIsUpgradeRequired) {
  auto const res = get(port(), "/ws", token_);
  EXPECT_TRUE(IsError(res, 426, "WebSocket upgrade required"));
}

TEST_F(StreamAuth, TokensAndTicketsInQueryStringsNeverReachServerOutput) {
  std::string const ticket = stream_ticket(port(), token_);
  std::string const unused_ticket = stream_ticket(port(), token_);
  expect_sse_stream("?access_token=" + token_);
  expect_ws_stream("/ws?access_token=" + token_);
  expect_ws_stream("/ws?ticket=" + ticket);
  // Refused ones too: a reused ticket and a bad token must not be echoed into the log either.
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?ticket=" + ticket)));
  EXPECT_TRUE(IsInvalidToken(sse_refusal("?access_token=gh_sess_secretlooking0123456789")));
  EXPECT_TRUE(IsError(sse_refusal("?access_token=" + token_ + "&last_event_id=x"), 422,
                      "last_event_id must be a non-negative integer"));
  stop_server();  // everything it printed is in output() now

  std::string const output = server().output();
  EXPECT_NE(output.find(R"("route":"/research/{id}/events")"), std::string::npos) << "the requests were not logged";
  EXPECT_EQ(output.find(token_), std::string::npos);
  EXPECT_EQ(output.find(ticket), std::string::npos);
  EXPECT_EQ(output.find(unused_ticket), std::string::npos);
  EXPECT_EQ(output.find("gh_sess_secretlooking0123456789"), std::string::npos);
  // Nor the secret part of any of them (a log that truncates a token still leaks it).
  EXPECT_EQ(output.find(token_.substr(token_.size() - 20)), std::string::npos);
  EXPECT_EQ(output.find(ticket.substr(ticket.size() - 20)), std::string::npos);
}

}  // namespace gatehouse::testing
