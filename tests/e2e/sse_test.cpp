// GET /research/{id}/events: the frame format, replay after Last-Event-ID, keepalives, and the
// end of the stream after `done`.
#include "stream_test_support.hpp"

namespace gatehouse::testing {

class Sse : public GatehouseTest {
 protected:
  void open_server(std::vector<std::string> args = {}) {
    start(std::move(args));
    token_ = anonymous_session("sse-device");
    research_ = create_research(port(), token_);
  }

  // Stores events e1..en (data = their number).
  void post_events(int n) {
    for (int i = 1; i <= n; ++i) ASSERT_GT(post_event(port(), token_, research_, "e" + std::to_string(i), std::to_string(i)), 0);
  }

  std::string token_;
  std::string research_;
};

TEST_F(Sse, FramesCarryIdEventAndDataThenABlankLine) {
  open_server();
  ASSERT_EQ(post_event(port(), token_, research_, "progress", R"({"pct":50,"msg":"half \"way\""})"), 1);
  ASSERT_EQ(post_event(port(), token_, research_, "done", "null"), 2);
  // The research is done: the whole response arrives and the server closes.
  std::string const raw = raw_exchange(port(), "GET " + events_path(research_) + " HTTP/1.1\r\nHost: x\r\n"
                                               "Authorization: Bearer " + token_ + "\r\n\r\n");
  auto const head_end = raw.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << raw;
  EXPECT_EQ(raw.rfind("HTTP/1.1 200 ", 0), 0u) << raw;
  EXPECT_NE(raw.find("Content-Type: text/event-stream\r\n"), std::string::npos) << raw;
  EXPECT_EQ(raw.substr(head_end + 4),
            "id: 1\nevent: progress\ndata: {\"pct\":50,\"msg\":\"half \\\"way\\\"\"}\n\n"
            "id: 2\nevent: done\ndata: null\n\n");
}

TEST_F(Sse, ReplaysStoredEventsAfterLastEventIdHeaderThenLive) {
  open_server();
  post_events(5);
  SseClient sse(port(), events_path(research_), {{"Authorization", "Bearer " + token_}, {"Last-Event-ID", "3"}});
  ASSERT_EQ(sse.status(), 200) << sse.body();
  auto e4 = sse.next_event();
  ASSERT_TRUE(IsSseEvent(e4, "4", "e4"));
  EXPECT_EQ(e4->data, "4");
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "5", "e5"));
  ASSERT_EQ(post_event(port(), token_, research_, "live", R"("six")"), 6);
  auto e6 = sse.next_event();
  ASSERT_TRUE(IsSseEvent(e6, "6", "live"));
  EXPECT_EQ(e6->data, R"("six")");
}

TEST_F(Sse, ReplaysStoredEventsAfterLastEventIdQueryParameterThenLive) {
  open_server();
  post_events(5);
  SseClient sse(port(), events_path(research_) + "?last_event_id=2", bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "3", "e3"));
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "4", "e4"));
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "5", "e5"));
  ASSERT_EQ(post_event(port(), token_, research_, "live"), 6);
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "6", "live"));
}

TEST_F(Sse, ReplaysEverythingWithoutLastEventId) {
  open_server();
  post_events(3);
  SseClient sse(port(), events_path(research_), bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  for (int i = 1; i <= 3; ++i) EXPECT_TRUE(IsSseEvent(sse.next_event(), std::to_string(i), "e" + std::to_string(i)));
}

TEST_F(Sse, LastEventIdHeaderWinsOverQueryParameter) {
  // A reconnecting EventSource keeps its URL (with the original ?last_event_id=) and sends the
  // header with where it really got to.
  open_server();
  post_events(4);
  SseClient sse(port(), events_path(research_) + "?last_event_id=1",
                {{"Authorization", "Bearer " + token_}, {"Last-Event-ID", "3"}});
  ASSERT_EQ(sse.status(), 200) << sse.body();
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "4", "e4"));
}

TEST_F(Sse, LastEventIdBeyondTheEndWaitsForLaterEvents) {
  open_server();
  post_events(2);
  SseClient sse(port(), events_path(research_) + "?last_event_id=3", bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  EXPECT_EQ(post_event(port(), token_, research_, "e3"), 3);
  EXPECT_EQ(post_event(port(), token_, research_, "e4"), 4);
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "4", "e4"));
}

TEST_F(Sse, MalformedLastEventIdIsRefused) {
  open_server();
  for (std::string const bad : {"-1", "abc", "1.5", "99999999999999999999999"}) {
    SseClient by_query(port(), events_path(research_) + "?last_event_id=" + bad, bearer(token_));
    EXPECT_TRUE(IsError(refusal_of(by_query), 422, "last_event_id must be a non-negative integer")) << bad;
    SseClient by_header(port(), events_path(research_), {{"Authorization", "Bearer " + token_}, {"Last-Event-ID", bad}});
    EXPECT_TRUE(IsError(refusal_of(by_header), 422, "last_event_id must be a non-negative integer")) << bad;
  }
}

TEST_F(Sse, KeepaliveCommentArrivesEachHeartbeat) {
  open_server({"--heartbeat", "1"});
  SseClient sse(port(), events_path(research_), bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  // Waiting for a heartbeat is inherent; the reads return as soon as it comes.
  auto first = sse.next(std::chrono::milliseconds(2500));
  ASSERT_TRUE(first) << "no keepalive within 2.5 s at --heartbeat 1";
  EXPECT_EQ(first->comment, "keepalive");
  EXPECT_TRUE(first->event.empty());
  auto const after_first = Clock::now();
  auto second = sse.next(std::chrono::milliseconds(2500));
  ASSERT_TRUE(second) << "no second keepalive";
  EXPECT_EQ(second->comment, "keepalive");
  auto const interval = elapsed_since(after_first);
  EXPECT_GE(interval.count(), 500) << "keepalives come much faster than the heartbeat";
  EXPECT_LE(interval.count(), 2000);
}

TEST_F(Sse, KeepalivesDoNotDisturbEvents) {
  open_server({"--heartbeat", "1"});
  SseClient sse(port(), events_path(research_), bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  auto keepalive = sse.next(std::chrono::milliseconds(2500));
  ASSERT_TRUE(keepalive);
  EXPECT_EQ(keepalive->comment, "keepalive");
  ASSERT_EQ(post_event(port(), token_, research_, "after-keepalive", "7"), 1);
  auto e = sse.next_event();
  ASSERT_TRUE(IsSseEvent(e, "1", "after-keepalive"));
  EXPECT_EQ(e->data, "7");
}

TEST_F(Sse, StreamClosesAfterLiveDoneEvent) {
  open_server();
  post_events(1);
  SseClient sse(port(), events_path(research_), bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  ASSERT_TRUE(IsSseEvent(sse.next_event(), "1", "e1"));
  ASSERT_EQ(post_event(port(), token_, research_, "done", R"({"ok":true})"), 2);
  auto done = sse.next_event();
  ASSERT_TRUE(IsSseEvent(done, "2", "done"));
  EXPECT_EQ(done->data, R"({"ok":true})");
  EXPECT_TRUE(sse.wait_closed(std::chrono::seconds(2))) << "the stream stayed open after done";
}

TEST_F(Sse, StreamOfFinishedResearchReplaysThenCloses) {
  open_server();
  post_events(2);
  ASSERT_EQ(post_event(port(), token_, research_, "done"), 3);
  SseClient sse(port(), events_path(research_) + "?last_event_id=1", bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "2", "e2"));
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "3", "done"));
  EXPECT_TRUE(sse.wait_closed(std::chrono::seconds(2)));
}

TEST_F(Sse, StreamOfFinishedAndFullyReplayedResearchClosesAtOnce) {
  open_server({"--heartbeat", "30"});
  post_events(2);
  ASSERT_EQ(post_event(port(), token_, research_, "done"), 3);
  auto const opened = Clock::now();
  SseClient sse(port(), events_path(research_), {{"Authorization", "Bearer " + token_}, {"Last-Event-ID", "3"}});
  ASSERT_EQ(sse.status(), 200) << sse.body();
  EXPECT_FALSE(sse.next_event(std::chrono::seconds(2))) << "nothing is left to send";
  EXPECT_TRUE(sse.closed());
  EXPECT_LT(elapsed_since(opened).count(), 1000) << "closing waited for something";
}

TEST_F(Sse, StreamOfOneResearchCarriesNoEventsOfAnother) {
  open_server();
  std::string const other = create_research(port(), token_, "other");
  SseClient sse(port(), events_path(research_), bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  ASSERT_EQ(post_event(port(), token_, other, "elsewhere"), 1);
  ASSERT_EQ(post_event(port(), token_, research_, "here"), 1);
  // Events of one stream arrive in order: had "elsewhere" leaked, it would come first.
  EXPECT_TRUE(IsSseEvent(sse.next_event(), "1", "here"));
}

TEST_F(Sse, EveryEventPostedWhileConnectedArrivesOnceInOrder) {
  open_server();
  SseClient sse(port(), events_path(research_), bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  for (int i = 1; i <= 50; ++i) ASSERT_EQ(post_event(port(), token_, research_, "n", std::to_string(i)), i);
  for (int i = 1; i <= 50; ++i) {
    auto e = sse.next_event();
    ASSERT_TRUE(IsSseEvent(e, std::to_string(i), "n"));
    EXPECT_EQ(e->data, std::to_string(i));
  }
}

}  // namespace gatehouse::testing
