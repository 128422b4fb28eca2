// Both stream endpoints end to end: if these fail, the detailed stream tests will too.
#include "support/gatehouse_fixture.hpp"
#include "support/stream_clients.hpp"

namespace gatehouse::testing {

class StreamSmoke : public GatehouseTest {};

TEST_F(StreamSmoke, SseReplaysThenStreamsLiveEvents) {
  start();
  std::string const token = anonymous_session("sse-smoke");
  std::string const id(post(port(), "/research", R"({"title":"t"})", token).json().at("id").as_string());
  ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"a","data":1})", token).status, 201);

  SseClient sse(port(), "/research/" + id + "/events", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(sse.status(), 200) << sse.body();
  EXPECT_EQ(sse.header("Content-Type"), "text/event-stream");
  auto first = sse.next_event();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, "1");
  EXPECT_EQ(first->event, "a");
  EXPECT_EQ(first->data, "1");

  ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"b","data":{"x":2}})", token).status, 201);
  auto second = sse.next_event();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, "2");
  EXPECT_EQ(second->data, R"({"x":2})");
}

TEST_F(StreamSmoke, WebSocketWelcomesSubscribesAndDeliversEvents) {
  start();
  std::string const token = anonymous_session("ws-smoke");
  std::string const id(post(port(), "/research", R"({"title":"t"})", token).json().at("id").as_string());
  ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"a","data":1})", token).status, 201);

  WsClient ws(port(), "/ws?access_token=" + token);
  auto welcome = ws.receive();
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->at("type").as_string(), "welcome");
  EXPECT_EQ(welcome->at("principal_id").as_string(), principal_of(token));

  ws.send(R"({"type":"subscribe","research_id":")" + id + R"(","after_seq":0})");
  auto subscribed = ws.receive();
  ASSERT_TRUE(subscribed);
  EXPECT_EQ(subscribed->at("type").as_string(), "subscribed");
  auto replayed = ws.receive();
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->at("seq").as_int64(), 1);
  ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"b","data":2})", token).status, 201);
  auto live = ws.receive();
  ASSERT_TRUE(live);
  EXPECT_EQ(live->at("seq").as_int64(), 2);
  EXPECT_EQ(live->at("event").as_string(), "b");

  ASSERT_EQ(del(port(), "/auth/session", token).status, 204);
  EXPECT_EQ(ws.wait_close(), 4401);
  EXPECT_EQ(ws.close_reason(), "Token revoked");
}

}  // namespace gatehouse::testing
