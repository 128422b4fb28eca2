// A database failure in the middle of a stream's replay (injected by renaming the events table
// under the running server, from a connection of the test's own): the stream ends with its
// error frame instead of hanging, nothing it registered stays behind (open streams, live
// subscriptions and connections all back to idle), and SIGTERM still stops the server at once
// rather than at its 10-second shutdown deadline.
#include "stream_test_support.hpp"

#include <csignal>

namespace gatehouse::testing {

class StreamFailure : public GatehouseTest {};

TEST_F(StreamFailure, AReplayThatFailsClosesTheStreamReleasesEverythingAndShutdownStaysPrompt) {
  start({"--heartbeat", "30"});
  std::string const token = anonymous_session("failure-device");
  std::string const research = create_research(port(), token);
  ASSERT_EQ(post_event(port(), token, research, "stored"), 1);

  db_exec("ALTER TABLE research_events RENAME TO research_events_gone");

  SseClient sse(port(), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  auto const error = sse.next_event();
  ASSERT_TRUE(error) << "no frame before the stream ended";
  EXPECT_EQ(error->event, "error");
  EXPECT_NE(error->data.find("Stream failed"), std::string::npos) << error->data;
  EXPECT_TRUE(sse.wait_closed(std::chrono::seconds(5))) << "the failed SSE stream stayed open";

  WsClient ws(port(), "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));
  ws.send(subscribe_message(research, 0));
  ASSERT_TRUE(IsMessage(ws.receive(), "subscribed"));
  EXPECT_EQ(ws.wait_close(std::chrono::seconds(5)), 1011);

  auto const s = scrape_metrics();
  EXPECT_EQ(s.value("gatehouse_streams_active", {{"kind", "sse"}}), 0);
  EXPECT_EQ(s.value("gatehouse_streams_active", {{"kind", "ws"}}), 0);
  EXPECT_EQ(s.value("gatehouse_stream_subscriptions"), 0);
  EXPECT_EQ(s.value("gatehouse_connections_open"), 1) << "only the scrape's own connection should be open";
  EXPECT_EQ(s.value("gatehouse_coroutine_failures_total"), 0);
  EXPECT_NE(server().output().find(R"("msg":"stream replay failed")"), std::string::npos) << server().output();

  auto const t0 = Clock::now();
  EXPECT_EQ(server().stop(SIGTERM), 0) << server().output();
  EXPECT_LT(elapsed_since(t0).count(), 3000) << "shutdown waited for a stream that was gone";
}

}  // namespace gatehouse::testing
