// SIGTERM with streams open: WebSockets get close 1001, SSE streams end, and the process exits
// 0 promptly.
#include "stream_test_support.hpp"

#include <csignal>
#include <future>

namespace gatehouse::testing {

class StreamShutdown : public GatehouseTest {};

TEST_F(StreamShutdown, SigtermClosesWebSocketsWith1001EndsSseAndExitsPromptly) {
  start({"--heartbeat", "30"});
  std::string const token = anonymous_session("shutdown-device");
  std::string const research = create_research(port(), token);
  ASSERT_EQ(post_event(port(), token, research, "before"), 1);

  SseClient sse(port(), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  ASSERT_TRUE(IsSseEvent(sse.next_event(), "1", "before"));
  SseClient idle_sse(port(), events_path(research) + "?last_event_id=1", bearer(token));
  ASSERT_EQ(idle_sse.status(), 200) << idle_sse.body();
  WsClient ws(port(), "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));
  ws.send(subscribe_message(research, 1));
  ASSERT_TRUE(IsMessage(ws.receive(), "subscribed"));
  WsClient idle_ws(port(), "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(idle_ws.receive(), "welcome"));

  auto const t0 = Clock::now();
  // stop() waits for the exit; the clients answer the close handshake meanwhile.
  auto exit_status = std::async(std::launch::async, [this] { return server().stop(SIGTERM); });
  EXPECT_EQ(ws.wait_close(std::chrono::seconds(5)), 1001);
  EXPECT_EQ(idle_ws.wait_close(std::chrono::seconds(5)), 1001);
  EXPECT_TRUE(sse.wait_closed(std::chrono::seconds(5))) << "SSE stream still open";
  EXPECT_TRUE(idle_sse.wait_closed(std::chrono::seconds(5))) << "SSE stream still open";
  ASSERT_EQ(exit_status.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the server did not exit";
  EXPECT_EQ(exit_status.get(), 0) << server().output();
  EXPECT_LT(elapsed_since(t0).count(), 3000) << "shutdown took too long";
  EXPECT_NE(server().output().find(R"("msg":"stopped")"), std::string::npos) << server().output();
}

TEST_F(StreamShutdown, SigtermWithoutStreamsExitsPromptly) {
  start();
  // A served request proves the event loop (and so the SIGTERM handler) is running; see below.
  ASSERT_EQ(get(port(), "/health").status, 200);
  auto const t0 = Clock::now();
  EXPECT_EQ(server().stop(SIGTERM), 0) << server().output();
  EXPECT_LT(elapsed_since(t0).count(), 2000);
}

// Known bug (src/app/server.cpp, not a stream file): the "listening" line is printed before the
// SIGTERM/SIGINT signal_set exists, so a supervisor that signals as soon as the server reports
// it is ready can kill it with the default disposition (exit status 143, nothing flushed).
// Enable once run_server() installs the signal_set before it logs "listening".
TEST_F(StreamShutdown, DISABLED_SigtermRightAfterListeningLineExitsCleanly) {
  for (int round = 0; round < 30; ++round) {
    start();
    ASSERT_EQ(server().stop(SIGTERM), 0) << "round " << round << "\n" << server().output();
  }
}

}  // namespace gatehouse::testing
