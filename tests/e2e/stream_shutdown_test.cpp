// SIGTERM with streams open: WebSockets get close 1001, SSE streams end, and the process exits
// 0 promptly.
#include "stream_test_support.hpp"

#include <csignal>
#include <future>
#include <memory>

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

TEST_F(StreamShutdown, StreamOpeningDuringSigtermDoesNotHoldUpTheExit) {
  // A stream whose request is being handled when SIGTERM comes registers after the shutdown
  // closed every registered stream: it must still end, not keep the process alive until the
  // 10 s shutdown deadline. Race an opening stream (SSE, then WebSocket) against SIGTERM,
  // sweeping its head start.
  constexpr int rounds = 24;
  for (int round = 0; round < rounds; ++round) {
    start({"--heartbeat", "30"});
    std::string const token = anonymous_session("shutdown-race");
    std::string const research = create_research(port(), token);
    bool const use_ws = round % 2 == 1;
    auto const head_start = std::chrono::microseconds((round / 2) * 100);
    // stop() waits for the exit; a WebSocket that opened answers its close meanwhile. A stream
    // refused or cut off by the shutdown is fine.
    Clock::time_point t0;
    std::future<int> exit_status;
    auto raced = race_stream_open(port(), token, use_ws ? std::nullopt : std::optional(research), head_start, [&] {
      t0 = Clock::now();
      exit_status = std::async(std::launch::async, [this] { return server().stop(SIGTERM); });
    });
    auto& sse = raced.sse;
    auto& ws = raced.ws;
    if (ws) {
      auto const code = ws->wait_close(std::chrono::seconds(5));
      EXPECT_TRUE(code == 1001 || code == 0) << "round " << round << ": close code " << code.value_or(-1);
    }
    if (sse && sse->status() == 200) {
      EXPECT_TRUE(sse->wait_closed(std::chrono::seconds(5))) << "round " << round << ": SSE stream left open";
    }
    ASSERT_EQ(exit_status.wait_for(std::chrono::seconds(15)), std::future_status::ready);
    EXPECT_EQ(exit_status.get(), 0) << "round " << round;
    auto const took = elapsed_since(t0);
    EXPECT_LT(took.count(), 3000) << "round " << round << (use_ws ? " (WebSocket)" : " (SSE)") << ": exit took "
                                  << took.count() << " ms";
    if (HasFailure()) break;
  }
}

TEST_F(StreamShutdown, SigtermWithoutStreamsExitsPromptly) {
  start();
  // A served request proves the event loop (and so the SIGTERM handler) is running; see below.
  ASSERT_EQ(get(port(), "/health").status, 200);
  auto const t0 = Clock::now();
  EXPECT_EQ(server().stop(SIGTERM), 0) << server().output();
  EXPECT_LT(elapsed_since(t0).count(), 2000);
}

// A supervisor may signal as soon as the server reports it is listening: the signal handler
// must already be installed then, or the default disposition kills it (status 143, nothing flushed).
TEST_F(StreamShutdown, SigtermRightAfterListeningLineExitsCleanly) {
  for (int round = 0; round < 30; ++round) {
    start();
    ASSERT_EQ(server().stop(SIGTERM), 0) << "round " << round << "\n" << server().output();
  }
}

}  // namespace gatehouse::testing
